namespace CookieSession.Mvc.Models;

/// <summary>What the shop page shows: who is signed in (if anyone) and their cart, quantities by SKU.</summary>
public sealed record ShopPage(string? User, IReadOnlyDictionary<string, int> Lines);
