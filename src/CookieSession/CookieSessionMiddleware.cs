using System.Text;
using CookieSession.Cookies;
using CookieSession.Diagnostics;
using CookieSession.Formats;
using CookieSession.Options;
using CookieSession.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CookieSession;

/// <summary>
/// Gives each request its session (<see cref="RequestSession"/>) as it enters, and takes it away as it leaves: a
/// request that fails leaves its changes unsaved. What happens to the cookie is the session's business.
/// </summary>
internal sealed class CookieSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ResolvedOptions _settings;
    private readonly Func<CookieSessionValidationContext, Task>? _validate;

    public CookieSessionMiddleware(
        RequestDelegate next,
        IOptions<CookieSessionOptions> options,
        IOptions<SignedCookieOptions> signedCookieOptions,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        IServiceProvider services)
    {
        var metrics = services.GetService<CookieSessionMetrics>();
        _next = next;
        var value = options.Value;
        var logger = loggerFactory.CreateLogger<CookieSessionMiddleware>();
        var secrets = CookieSessionSecrets.Of(value.Secret, value.Secrets);
        var time = value.TimeProvider ?? timeProvider;
        _settings = ResolvedOptions.Create(value, logger, time, services, metrics);
        _validate = value.OnValidateSession;
        if (_settings.Descriptor.NeedsSecret)
        {
            WarnAboutSecrets(_settings.Descriptor, secrets, signedCookieOptions.Value, logger);
        }
    }

    public Task Invoke(HttpContext context)
    {
        var session = RequestSession.Enter(context, _settings);
        Task next;
        try
        {
            next = _validate is null ? _next(context) : ValidateThenNextAsync(session, _validate, context);
        }
        catch
        {
            session.Fail();
            throw;
        }

        if (next.IsCompletedSuccessfully)
        {
            session.Leave();
            return Task.CompletedTask;
        }

        return AwaitNextAsync(next, session);
    }

    private async Task ValidateThenNextAsync(RequestSession session, Func<CookieSessionValidationContext, Task> validate, HttpContext context)
    {
        await session.ValidateAsync(validate).ConfigureAwait(false);
        await _next(context).ConfigureAwait(false);
    }

    private static async Task AwaitNextAsync(Task next, RequestSession session)
    {
        try
        {
            await next.ConfigureAwait(false);
        }
        catch
        {
            session.Fail();
            throw;
        }

        session.Leave();
    }

    private static void WarnAboutSecrets(FormatDescriptor format, IReadOnlyList<string> secrets, SignedCookieOptions signed, ILogger logger)
    {
        for (var i = 0; i < secrets.Count; i++)
        {
            var length = Encoding.UTF8.GetByteCount(secrets[i]);
            if (length < CookieSessionDefaults.RecommendedSecretLength)
            {
                Log.ShortSecret(logger, i, length, CookieSessionDefaults.RecommendedSecretLength);
            }
        }

        // Connect's session and cookie-parser's signed cookies share one format (s: and j:): with one secret, a
        // signed JSON cookie is also a valid session.
        if (format.IsSignedCookieFormat
            && CookieSessionSecrets.Of(signed.Secret, signed.Secrets).Any(secrets.Contains))
        {
            Log.SecretSharedWithSignedCookies(logger);
        }
    }
}
