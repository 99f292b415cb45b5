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
        catch (CookieSessionUnavailableException e) when (!context.Response.HasStarted)
        {
            session.Fail();
            AnswerUnavailable(context, e);
            return Task.CompletedTask;
        }
        catch
        {
            session.Fail();
            throw;
        }

        if (next.IsCompletedSuccessfully)
        {
            LeaveOrAnswerUnavailable(session, context);
            return Task.CompletedTask;
        }

        return AwaitNextAsync(next, session, context);
    }

    private async Task ValidateThenNextAsync(RequestSession session, Func<CookieSessionValidationContext, Task> validate, HttpContext context)
    {
        await session.ValidateAsync(validate).ConfigureAwait(false);
        await _next(context).ConfigureAwait(false);
    }

    private async Task AwaitNextAsync(Task next, RequestSession session, HttpContext context)
    {
        try
        {
            await next.ConfigureAwait(false);
        }
        catch (CookieSessionUnavailableException e) when (!context.Response.HasStarted)
        {
            session.Fail();
            AnswerUnavailable(context, e);
            return;
        }
        catch
        {
            session.Fail();
            throw;
        }

        LeaveOrAnswerUnavailable(session, context);
    }

    private void LeaveOrAnswerUnavailable(RequestSession session, HttpContext context)
    {
        try
        {
            session.Leave();
        }
        catch (CookieSessionUnavailableException e) when (!context.Response.HasStarted)
        {
            // The commit could not seal a new session: the key ring cannot be read.
            session.Fail();
            AnswerUnavailable(context, e);
        }
    }

    /// <summary>
    /// The application used a session whose cookie cannot be opened now and did not handle it: 503, as for any
    /// dependency that is down, and never a <c>Set-Cookie</c>, so the user's cookie stays for when the key ring is back.
    /// </summary>
    private void AnswerUnavailable(HttpContext context, CookieSessionUnavailableException e)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.CacheControl = "no-store";
        Log.SessionUnavailableAnswered(_settings.Logger, e.CookieName);
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
