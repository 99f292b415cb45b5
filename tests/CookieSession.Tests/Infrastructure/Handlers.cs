using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Infrastructure;

/// <summary>Request handlers many tests share.</summary>
internal static class Handlers
{
    /// <summary>Stores one value in the session and answers "ok".</summary>
    public static RequestDelegate Store<T>(string key, T value) => async context =>
    {
        context.GetCookieSession().Set(key, value);
        await context.Response.WriteAsync("ok");
    };
}
