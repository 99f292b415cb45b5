using CookieSession.Session;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>Access to the cookie session of a request.</summary>
public static class CookieSessionHttpContextExtensions
{
    /// <summary>The session of this request.</summary>
    /// <param name="context">The request's context.</param>
    /// <exception cref="InvalidOperationException">The cookie session middleware is not in this request's pipeline.</exception>
    public static ICookieSession GetCookieSession(this HttpContext context) => State(context);

    /// <summary>
    /// The session of this request as one <typeparamref name="TSession"/> (<see cref="ICookieSession{TSession}"/>), its
    /// metadata from <see cref="CookieSessionOptions.SerializerOptions"/>: by reflection, or under Native AOT from a
    /// <c>JsonSerializerContext</c> added to its <c>TypeInfoResolverChain</c> at registration. The same object for every
    /// call of one request.
    /// </summary>
    /// <typeparam name="TSession">The session's type.</typeparam>
    /// <param name="context">The request's context.</param>
    /// <exception cref="InvalidOperationException">The middleware is missing, or the serializer has no metadata for <typeparamref name="TSession"/>.</exception>
    public static ICookieSession<TSession> GetCookieSession<TSession>(this HttpContext context)
        where TSession : class, new()
        => State(context).Typed<TSession>(typeInfo: null);

    /// <summary>The session of this request as one <typeparamref name="TSession"/>, read and written through <paramref name="typeInfo"/> (source-generated metadata, e.g. <c>AppJson.Default.ShopSession</c>, whose own options apply).</summary>
    /// <typeparam name="TSession">The session's type.</typeparam>
    /// <param name="context">The request's context.</param>
    /// <param name="typeInfo">The type's metadata.</param>
    /// <exception cref="InvalidOperationException">The middleware is missing.</exception>
    public static ICookieSession<TSession> GetCookieSession<TSession>(this HttpContext context, JsonTypeInfo<TSession> typeInfo)
        where TSession : class, new()
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return State(context).Typed(typeInfo);
    }

    /// <summary>
    /// Ends the session (Connect's <c>req.session = null</c>): the response deletes the cookie, with its path and
    /// domain, whatever the session held. Storing something afterwards starts a new session instead.
    /// </summary>
    /// <param name="context">The request's context.</param>
    /// <exception cref="InvalidOperationException">The middleware is missing, or the response has started.</exception>
    public static void ClearCookieSession(this HttpContext context) => State(context).ClearCookie();

    private static RequestSession State(HttpContext? context)
    {
        if (context is null)
        {
            // Blazor's interactive render modes run outside any request: their cascading HttpContext is null.
            throw new ArgumentNullException(
                nameof(context),
                "No HttpContext, so no session cookie to read or write. In Blazor, only static server rendering has one (a component with an interactive render mode, Server, WebAssembly or Auto, gets null): read the session in a statically rendered component or an endpoint and pass the values on.");
        }

        return RequestSession.Of(context.Features)
            ?? throw new InvalidOperationException(
                "No cookie session for this request: call services.AddCookieSession() and app.UseCookieSession() before the code that uses the session.");
    }
}
