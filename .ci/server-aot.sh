#!/usr/bin/env bash
# The native AOT `cloud-runtimes` server in CI's test path (issue 19): publishes it (a trim or AOT warning fails the
# build: TreatWarningsAsErrors), then reruns a smoke subset of the end-to-end classes of CloudRuntimes.Host.Tests against
# the native binary through CLOUD_RUNTIMES_SERVER (RuntimeProcesses.ServerStart): the HTTP and gRPC APIs, the app channel,
# plugins, the request policy and limits, start-up errors, the dashboard API, telemetry, shutdown, the sidecar's footprint (GC, no configuration from the working directory). Prints the test
# platform's run summary like the main run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot/server
dotnet publish src/CloudRuntimes.Host -c Release -r linux-x64 -p:PublishAot=true -v q -o "$out"
classes=(WireFormatTests DaprSdkGrpcTests AppChannelTests GrpcAppChannelTests PluginTests StartupErrorTests RequestPolicyTests
  GrpcPolicyTests InputLimitTests DatabaseGuardTests ConfigurationDefaultContextTests DashboardApiTests ServerCliTests
  ShutdownTests TelemetryTests KeyListingAndLeaseTests SidecarFootprintTests DeclarativeSubscriptionTests RototoSourceServerTests
  InternalFailureTests FileApiLimitTests JobLimitTests StreamingSubscriptionLimitTests BulkPublishLimitTests LockWaitLimitTests
  StateQueryBoundsTests DatabaseTransactionLimitTests DefaultContextFileLimitTests)
filters=()
for class in "${classes[@]}"; do
  filters+=(--filter-class "*.$class")
done
echo "native AOT cloud-runtimes: $(du -m "$out/CloudRuntimes.Host" | cut -f1) MB; ${#classes[@]} test classes run against it"
CLOUD_RUNTIMES_SERVER="$PWD/$out/CloudRuntimes.Host" dotnet test --project tests/CloudRuntimes.Host.Tests/CloudRuntimes.Host.Tests.csproj -- "${filters[@]}"
