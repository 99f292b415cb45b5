namespace CookieSession.Demo.Shop;

/// <summary>A product of the demo's shop. Prices in cents.</summary>
internal sealed record Product(string Sku, string Name, string Description, int PriceCents, string Colour, string ChipColour);

/// <summary>What the demo's shop sells: a fixed list, so the cart stores only SKUs and quantities.</summary>
internal static class Catalogue
{
    public static IReadOnlyList<Product> Products { get; } =
    [
        new("choc-chip", "Chocolate chip", "The classic: brown butter, dark chocolate, a pinch of salt.", 250, "#d9a066", "#4a2c1a"),
        new("oatmeal", "Oatmeal raisin", "Rolled oats, plump raisins and cinnamon.", 220, "#c8a27a", "#6b3f2a"),
        new("snickerdoodle", "Snickerdoodle", "Soft, rolled in cinnamon sugar.", 200, "#e8c690", "#b07a3c"),
        new("matcha", "Matcha white chocolate", "Green tea shortbread with white chocolate.", 300, "#a8c686", "#f4efe1"),
    ];

    public static Product? Find(string? sku) => Products.FirstOrDefault(p => p.Sku == sku);

    public static string Price(int cents) => (cents / 100m).ToString("C", System.Globalization.CultureInfo.GetCultureInfo("en-US"));
}
