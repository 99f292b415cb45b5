using Microsoft.AspNetCore.Antiforgery;

namespace CookieSession.Demo.Endpoints;

/// <summary>
/// Refuses, with 400, a request whose antiforgery token <c>UseAntiforgery</c> found missing or invalid, before the
/// endpoint runs: the session is not touched, whatever the endpoint would have done. <c>UseAntiforgery</c> validates
/// the endpoints that carry antiforgery metadata (<see cref="RequireForms"/>) and only records the outcome; an endpoint
/// that binds no form would run regardless, so the refusal is made here, once, for all of them.
/// </summary>
internal static class AntiforgeryGate
{
    public static Task RefuseInvalid(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>Marks the endpoints as forms whose token <c>UseAntiforgery</c> validates.</summary>
    public static TBuilder RequireForms<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequireAntiforgeryTokenAttribute());
}
