namespace CookieSession.Samples;

/// <summary>Something the samples sell.</summary>
internal sealed record Product(string Sku, string Name, decimal Price);

/// <summary>The samples' products: fixed, so that a cart needs only their SKUs.</summary>
internal static class Catalog
{
    public static IReadOnlyList<Product> Products { get; } =
    [
        new("choc-chip", "Chocolate chip", 2.50m),
        new("oatmeal", "Oatmeal raisin", 2.00m),
        new("matcha", "Matcha white chocolate", 3.00m),
    ];

    public static Product? Find(string? sku) => Products.FirstOrDefault(p => p.Sku == sku);
}
