// The official Dapr JS SDK (@dapr/dapr, CommunicationProtocolEnum.GRPC) against the runtime server's gRPC API:
// saves and reads state, publishes an event, and reads from an unknown store; prints what it got as one JSON line.
// Usage: node grpc-client.mjs GRPC_PORT KEY MARKER
import dapr from "@dapr/dapr";

const { DaprClient, CommunicationProtocolEnum, LogLevel } = dapr;
const [grpcPort, key, marker] = process.argv.slice(2);
const client = new DaprClient({
  daprHost: "127.0.0.1",
  daprPort: grpcPort,
  communicationProtocol: CommunicationProtocolEnum.GRPC,
  logger: { level: LogLevel.Error },
});

await client.state.save("statestore", [{ key, value: { marker, from: "dapr-js" } }]);
const read = await client.state.get("statestore", key);
await client.pubsub.publish("pubsub", "orders", { marker });
let unknownStore = null;
try {
  await client.state.get("nope", key);
} catch (e) {
  unknownStore = { code: e?.code ?? null, message: String(e?.rawMessage ?? e?.message ?? e) };
}
console.log(JSON.stringify({ read, unknownStore }));
process.exit(0);
