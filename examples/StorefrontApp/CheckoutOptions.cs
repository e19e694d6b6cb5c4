using Microsoft.Extensions.Configuration;

namespace StorefrontApp;

/// <summary>The checkout settings, bound from the rototo variables under <c>Rototo:</c>.</summary>
public sealed class CheckoutOptions
{
    /// <summary>Variable <c>checkout-banner</c>.</summary>
    [ConfigurationKeyName("checkout-banner")]
    public string Banner { get; set; } = "";

    /// <summary>Variable <c>max-cart-items</c>.</summary>
    [ConfigurationKeyName("max-cart-items")]
    public int MaxCartItems { get; set; }
}

/// <summary>An order the app keeps in the runtime's state store.</summary>
/// <param name="Item">What was ordered.</param>
/// <param name="Quantity">How many.</param>
public sealed record Order(string Item, int Quantity);
