using CookieSession.Demo.Account;
using CookieSession.Demo.Shop;
using Microsoft.AspNetCore.Mvc;

namespace CookieSession.Demo.Endpoints;

/// <summary>The cart: one more, one less, or nothing at all.</summary>
internal static class CartEndpoints
{
    public static void MapCartEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/cart/add", (HttpContext context, [FromForm] string? sku) => Change(context, sku, +1));
        routes.MapPost("/cart/remove", (HttpContext context, [FromForm] string? sku) => Change(context, sku, -1));
        routes.MapPost("/cart/empty", Empty);
    }

    private static IResult Change(HttpContext context, string? sku, int change)
    {
        var session = context.GetCookieSession();
        if (Catalogue.Find(sku) is not { } product)
        {
            return Results.BadRequest();
        }

        if (!session.Change(product, change))
        {
            session.Add(FlashKind.Warning, $"{Cart.MaxQuantity} {product.Name} cookies is as many as one cart holds.");
        }
        else if (change > 0)
        {
            session.Add(FlashKind.Success, $"Added one {product.Name} to your cart.");
        }

        return Results.Redirect("/#cart");
    }

    private static IResult Empty(HttpContext context)
    {
        var session = context.GetCookieSession();
        session.Empty();
        session.Add(FlashKind.Info, "Your cart is empty.");
        return Results.Redirect("/#cart");
    }
}
