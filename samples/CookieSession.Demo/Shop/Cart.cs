namespace CookieSession.Demo.Shop;

/// <summary>A line of the cart: a product of the catalogue and how many.</summary>
internal sealed record CartLine(Product Product, int Quantity)
{
    public int TotalCents => Product.PriceCents * Quantity;
}

/// <summary>The cart, kept in the session as <c>"cart": { "sku": quantity }</c>: SKUs of the catalogue only.</summary>
internal static class Cart
{
    private const string Key = "cart";

    /// <summary>The most of one product a cart holds.</summary>
    public const int MaxQuantity = 12;

    public static IReadOnlyList<CartLine> Lines(this ICookieSession session)
    {
        var lines = new List<CartLine>();
        foreach (var (sku, quantity) in Read(session))
        {
            if (Catalogue.Find(sku) is { } product && quantity > 0)
            {
                lines.Add(new CartLine(product, quantity));
            }
        }

        return lines;
    }

    public static int ItemCount(this ICookieSession session) => session.Lines().Sum(l => l.Quantity);

    /// <summary>Adds <paramref name="change"/> (negative to take away) of a product; false for an unknown SKU or a full line.</summary>
    public static bool Change(this ICookieSession session, Product product, int change)
    {
        var cart = Read(session);
        var quantity = cart.GetValueOrDefault(product.Sku) + change;
        if (quantity > MaxQuantity)
        {
            return false;
        }

        if (quantity <= 0)
        {
            cart.Remove(product.Sku);
        }
        else
        {
            cart[product.Sku] = quantity;
        }

        Write(session, cart);
        return true;
    }

    public static void Empty(this ICookieSession session) => session.Remove(Key);

    private static Dictionary<string, int> Read(ICookieSession session)
        => session.TryGet<Dictionary<string, int>>(Key, out var cart) && cart is not null ? cart : [];

    private static void Write(ICookieSession session, Dictionary<string, int> cart)
    {
        if (cart.Count == 0)
        {
            session.Remove(Key);
        }
        else
        {
            session.Set(Key, cart);
        }
    }
}
