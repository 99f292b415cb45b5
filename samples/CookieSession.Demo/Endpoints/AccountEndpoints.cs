using CookieSession.Demo.Account;
using Microsoft.AspNetCore.Mvc;

namespace CookieSession.Demo.Endpoints;

/// <summary>Signing in (with "remember me") and out.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/signin", SignIn);
        routes.MapPost("/signout", SignOut);
    }

    private static IResult SignIn(HttpContext context, TimeProvider time, [FromForm] string? name, [FromForm] bool? remember)
    {
        var session = context.GetCookieSession();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > Visitor.MaxNameLength)
        {
            session.Add(FlashKind.Warning, $"Give a name of 1 to {Visitor.MaxNameLength} characters.");
            return Results.Redirect("/#account");
        }

        session.SignIn(name, remember == true, DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()));
        session.Add(FlashKind.Success, remember == true
            ? $"Welcome, {name}. This browser will remember you."
            : $"Welcome, {name}.");
        return Results.Redirect("/");
    }

    private static IResult SignOut(HttpContext context)
    {
        // The whole session goes, and its cookie with it: the response deletes it.
        context.ClearCookieSession();
        return Results.Redirect("/");
    }
}
