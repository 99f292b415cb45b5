using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>
/// The session of the current request as one object of <typeparamref name="TSession"/>: the session's JSON object
/// read through <see cref="CookieSessionOptions.SerializerOptions"/> (camelCase names, as Node writes them).
/// </summary>
/// <typeparam name="TSession">The session's type: a class with a parameterless constructor.</typeparam>
/// <remarks>
/// <para>
/// <see cref="Value"/> is read on first use, a new <typeparamref name="TSession"/> when the session is empty. Change it
/// in place: when the response starts, each top-level property whose JSON changed is written, the rest of the
/// cookie is left as it was, including keys the type does not declare (another app's, TempData's). A property that
/// was absent and is still its default is not written; one set to <see langword="null"/> is written as JSON <c>null</c>
/// (unless the serializer options ignore nulls, then the key is removed). A <c>[JsonExtensionData]</c> property holds
/// the undeclared keys, and changing it changes them.
/// </para>
/// <para>
/// The untyped members work on the same session. Changing one key both through <see cref="Value"/> and through them in
/// one request is an error naming the key, raised when the response starts, rather than a change lost silently.
/// </para>
/// <para>
/// Under Native AOT, give the serializer the type's metadata once, at registration:
/// <c>o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default)</c>, or pass it with
/// <see cref="CookieSessionHttpContextExtensions.GetCookieSession{TSession}(HttpContext, System.Text.Json.Serialization.Metadata.JsonTypeInfo{TSession})"/>.
/// </para>
/// </remarks>
public interface ICookieSession<TSession> : ICookieSession
    where TSession : class, new()
{
    /// <summary>The session as a <typeparamref name="TSession"/>; changes to it are saved as the response starts.</summary>
    /// <exception cref="System.Text.Json.JsonException">A value of the session does not fit <typeparamref name="TSession"/>: the message names the key and the types. The cookie is left as it was.</exception>
    TSession Value { get; }

    /// <summary>Binds a handler's <see cref="ICookieSession{TSession}"/> parameter to the request's session.</summary>
    /// <param name="context">The request's context.</param>
    /// <param name="parameter">The parameter.</param>
    static new ValueTask<ICookieSession<TSession>?> BindAsync(HttpContext context, ParameterInfo parameter)
        => ValueTask.FromResult<ICookieSession<TSession>?>(context.GetCookieSession<TSession>());
}
