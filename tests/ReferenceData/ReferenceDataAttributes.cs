using System.Runtime.CompilerServices;
using Xunit.Sdk;
using Xunit.v3;

namespace CloudRuntimes.Testing;

/// <summary>A fact that reads the shared reference data (<see cref="ReferenceData"/>): withheld, and counted, when the data is missing.</summary>
[XunitTestCaseDiscoverer(typeof(ReferenceDataFactDiscoverer))]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ReferenceDataFactAttribute(
    [CallerFilePath] string? sourceFilePath = null,
    [CallerLineNumber] int sourceLineNumber = -1) : FactAttribute(sourceFilePath, sourceLineNumber);

/// <summary>A theory that reads the shared reference data (<see cref="ReferenceData"/>): its rows withheld, and counted, when the data is missing.</summary>
[XunitTestCaseDiscoverer(typeof(ReferenceDataTheoryDiscoverer))]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ReferenceDataTheoryAttribute(
    [CallerFilePath] string? sourceFilePath = null,
    [CallerLineNumber] int sourceLineNumber = -1) : TheoryAttribute(sourceFilePath, sourceLineNumber);

/// <summary>Discovers a <see cref="ReferenceDataFactAttribute"/> test as a fact, through <see cref="ReferenceData.Withhold{TCase}"/>.</summary>
public sealed class ReferenceDataFactDiscoverer : FactDiscoverer
{
    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyCollection<IXunitTestCase>> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, IXunitTestMethod testMethod, IFactAttribute factAttribute) =>
        ReferenceData.Withhold(await base.Discover(discoveryOptions, testMethod, factAttribute));
}

/// <summary>Discovers a <see cref="ReferenceDataTheoryAttribute"/> test as a theory, through <see cref="ReferenceData.Withhold{TCase}"/>.</summary>
public sealed class ReferenceDataTheoryDiscoverer : TheoryDiscoverer
{
    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyCollection<IXunitTestCase>> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, IXunitTestMethod testMethod, IFactAttribute factAttribute) =>
        ReferenceData.Withhold(await base.Discover(discoveryOptions, testMethod, factAttribute));
}
