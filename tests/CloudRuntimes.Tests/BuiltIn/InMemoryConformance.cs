using CloudRuntimes.Tests.Conformance;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary><c>state.in-memory</c> against the state conformance suite.</summary>
public sealed class InMemoryStateConformance : StateStoreConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "state.in-memory";
}

/// <summary><c>state.in-memory</c> against the state query suite.</summary>
public sealed class InMemoryStateQueryConformance : StateQueryConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "state.in-memory";
}

/// <summary><c>pubsub.in-memory</c> against the pub/sub conformance suite.</summary>
public sealed class InMemoryPubSubConformance : PubSubConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "pubsub.in-memory";
}

/// <summary><c>lock.in-memory</c> against the lock conformance suite.</summary>
public sealed class InMemoryLockConformance : LockStoreConformance
{
    /// <inheritdoc />
    protected override string ComponentType => "lock.in-memory";
}
