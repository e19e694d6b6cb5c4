using System.Text.Json;
using CloudRuntimes.Client;
using CloudRuntimes.Jobs;

namespace OrdersApp;

/// <summary>An order, as the app receives it and as it is published on the <c>orders</c> topic.</summary>
/// <param name="Id">The order id, chosen by the caller.</param>
/// <param name="Item">What was ordered.</param>
/// <param name="Quantity">How many.</param>
public sealed record Order(string Id, string Item, int Quantity);

/// <summary>Where an order stands, kept in the state store under <c>order-{id}</c>.</summary>
/// <param name="Order">The order.</param>
/// <param name="Status"><c>placed</c>, <c>confirmed</c> (shipping quoted) or <c>rejected</c> (dead-lettered).</param>
/// <param name="ShippingCents">The shipping quote, once confirmed.</param>
/// <param name="FollowedUp">True once the follow-up job has fired.</param>
public sealed record OrderStatus(Order Order, string Status, int? ShippingCents = null, bool FollowedUp = false);

/// <summary>The CloudEvent 1.0 envelope the runtime delivers a published event in; <see cref="Data"/> is what was published.</summary>
/// <typeparam name="T">The type of the published data.</typeparam>
/// <param name="Id">The event id.</param>
/// <param name="Data">The published data.</param>
public sealed record CloudEvent<T>(string Id, T Data);

/// <summary>The shipping app's answer to <c>quote</c>.</summary>
/// <param name="Cents">The price of shipping, in cents.</param>
public sealed record ShippingQuote(int Cents);

/// <summary>The answers to an event delivery: acknowledge it, have it delivered again later, or drop it (to the dead-letter topic).</summary>
public static class Delivery
{
    /// <summary>Handled: the runtime acknowledges the event.</summary>
    public static readonly object Success = new { status = "SUCCESS" };

    /// <summary>Not now: the runtime delivers the event again after a delay, until its attempts run out.</summary>
    public static readonly object Retry = new { status = "RETRY" };

    /// <summary>Never: the runtime moves the event to the subscription's dead-letter topic (or discards it without one).</summary>
    public static readonly object Drop = new { status = "DROP" };
}

/// <summary>The data of a follow-up job, <c>follow-up-{orderId}</c>, fired once a second after the order is confirmed.</summary>
/// <param name="OrderId">The order to follow up.</param>
public sealed record FollowUp(string OrderId)
{
    /// <summary>The job that fires once at <paramref name="due"/>, carrying this data.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="due">When it fires.</param>
    /// <returns>The job to schedule.</returns>
    public static Job JobFor(string orderId, DateTimeOffset due) =>
        new($"follow-up-{orderId}", Schedule: null, DueTime: due, Repeats: null, Ttl: null, JsonSerializer.SerializeToUtf8Bytes(new FollowUp(orderId), JsonSerializerOptions.Web));
}

/// <summary>The orders' statuses in the runtime's state store <c>statestore</c>.</summary>
/// <param name="runtime">The runtime client.</param>
public sealed class OrderBook(CloudRuntimesClient runtime)
{
    /// <summary>Saves a status under <c>order-{id}</c>.</summary>
    /// <param name="status">The status.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    public Task SaveAsync(OrderStatus status, CancellationToken cancellationToken) =>
        runtime.State.SaveValueAsync("statestore", $"order-{status.Order.Id}", status, cancellationToken: cancellationToken);

    /// <summary>Reads the status of an order.</summary>
    /// <param name="id">The order id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status, or null for an unknown order.</returns>
    public Task<OrderStatus?> GetAsync(string id, CancellationToken cancellationToken) =>
        runtime.State.GetValueAsync<OrderStatus>("statestore", $"order-{id}", cancellationToken);
}
