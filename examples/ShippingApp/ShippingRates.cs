namespace ShippingApp;

/// <summary>What a parcel costs: a base price and a price per item, up to <see cref="MaxParcelItems"/> items.</summary>
public static class ShippingRates
{
    /// <summary>The base price of a parcel, in cents.</summary>
    public const int BaseCents = 450;

    /// <summary>The price of each item, in cents.</summary>
    public const int PerItemCents = 125;

    /// <summary>The most items one parcel holds; a larger order is refused (422).</summary>
    public const int MaxParcelItems = 10;
}

/// <summary>The body of <c>POST /quote</c>.</summary>
/// <param name="Item">What is shipped.</param>
/// <param name="Quantity">How many.</param>
public sealed record QuoteRequest(string Item, int Quantity);

/// <summary>The answer of <c>POST /quote</c>.</summary>
/// <param name="Cents">The price of shipping, in cents.</param>
public sealed record Quote(int Cents);
