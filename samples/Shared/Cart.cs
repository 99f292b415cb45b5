namespace CookieSession.Samples;

/// <summary>
/// A cart kept in the session under <see cref="Key"/> as <c>{"sku": quantity}</c>: a plain JSON object, so that a
/// Node app sharing the cookie reads it too.
/// </summary>
internal static class Cart
{
    public const string Key = "cart";

    public static IReadOnlyDictionary<string, int> Read(ICookieSession session)
        => session.Get<Dictionary<string, int>>(Key) ?? new Dictionary<string, int>();

    public static void Add(ICookieSession session, Product product)
    {
        var lines = new Dictionary<string, int>(Read(session));
        lines[product.Sku] = lines.GetValueOrDefault(product.Sku) + 1;
        session.Set(Key, lines);
    }

    /// <summary>Takes one of <paramref name="product"/> out; the cart leaves the session when it is empty.</summary>
    public static void RemoveOne(ICookieSession session, Product product)
    {
        var lines = new Dictionary<string, int>(Read(session));
        if (!lines.TryGetValue(product.Sku, out var quantity))
        {
            return;
        }

        if (quantity > 1)
        {
            lines[product.Sku] = quantity - 1;
        }
        else
        {
            lines.Remove(product.Sku);
        }

        if (lines.Count == 0)
        {
            session.Remove(Key);
        }
        else
        {
            session.Set(Key, lines);
        }
    }
}
