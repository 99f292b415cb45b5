using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Snippets;

// <django-session>
// The keys a Django project keeps in its session, named as Django names them.
public sealed class DjangoSession
{
    [JsonPropertyName("_auth_user_id")]
    public string? UserId { get; set; }            // str(user.pk): a string, even for an integer key

    [JsonPropertyName("_auth_user_backend")]
    public string? AuthBackend { get; set; }       // "django.contrib.auth.backends.ModelBackend"

    [JsonPropertyName("_auth_user_hash")]
    public string? AuthHash { get; set; }          // HMAC of the user's password hash, see below

    public Dictionary<string, int> Cart { get; set; } = [];   // the project's own keys ("cart")
}
// </django-session>

/// <summary>Sharing a Django project's signed-cookie sessions (docs/from-django.md).</summary>
internal static class Django
{
    public static void Configure(WebApplicationBuilder builder)
    {
        // <django>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Django;   // Django's signed_cookies session backend
            o.Secrets =
            [
                builder.Configuration["Django:SecretKey"]!,          // SECRET_KEY: signs
                .. builder.Configuration.GetSection("Django:SecretKeyFallbacks").Get<string[]>() ?? [],   // SECRET_KEY_FALLBACKS: verify
            ];
            o.Django.SessionCookieAge = TimeSpan.FromDays(14);       // SESSION_COOKIE_AGE (the default, spelled out)
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;       // SESSION_COOKIE_SECURE = True
        });
        // </django>
    }

    public static void SnakeCase(WebApplicationBuilder builder)
    {
        // <django-snake-case>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Django;
            o.Secret = builder.Configuration["Django:SecretKey"];
            // Every typed property in snake_case, as Python code names keys: ReturnTo is "return_to".
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        // </django-snake-case>
    }

    // <django-auth-hash>
    // Django logs a session out once its user's password changes: _auth_user_hash no longer matches. To do the same,
    // compare it with the HMAC Django computes, given the user's password field (auth_user.password) and SECRET_KEY.
    public static void CheckAuthHash(WebApplicationBuilder builder, Func<string, Task<string?>> passwordFieldOf)
    {
        var secretKey = builder.Configuration["Django:SecretKey"]!;
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Django;
            o.Secret = secretKey;
            o.OnValidateSession = async context =>
            {
                if (context.Session.GetString("_auth_user_id") is not { } userId)
                {
                    return;   // nobody signed in
                }

                var password = await passwordFieldOf(userId);
                var expected = password is null ? null : SessionAuthHash(secretKey, password);
                var actual = context.Session.GetString("_auth_user_hash");
                if (expected is null || actual is null
                    || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual)))
                {
                    context.RejectSession();   // as Django's get_user() does: an empty session
                }
            };
        });
    }

    // AbstractBaseUser.get_session_auth_hash(): salted_hmac(key salt, password field, SECRET_KEY, "sha256"), in hex.
    public static string SessionAuthHash(string secretKey, string passwordField)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" + secretKey));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(passwordField)));
    }
    // </django-auth-hash>
}
