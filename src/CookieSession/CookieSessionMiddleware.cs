using System.Text;
using CookieSession.Cookies;
using CookieSession.Diagnostics;
using CookieSession.Formats;
using CookieSession.Options;
using CookieSession.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CookieSession;

/// <summary>
/// Offers each request its session (<see cref="SessionState"/>, read from the cookie on first use) as a feature,
/// and takes it away when the request leaves. What happens to the cookie is the session's business
/// (<see cref="SessionCommit"/>): this class is wiring only.
/// </summary>
internal sealed class CookieSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SessionSettings _settings;

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
        if (SessionCookieFormats.NeedsSecret(value.Format))
        {
            WarnAboutSecrets(value, secrets, signedCookieOptions.Value, logger);
        }

        var format = SessionCookieFormats.Create(value, secrets, time, logger, services);
        _settings = new SessionSettings(value, format, logger, time, metrics);
    }

    public async Task Invoke(HttpContext context)
    {
        var request = context.Request;
        var detached = !CookiePath.Matches(request.PathBase, request.Path, _settings.DefaultCookie.Path);
        if (detached)
        {
            Log.OutsidePath(_settings.Logger, _settings.DefaultCookie.Path);
        }

        var features = context.Features;

        // The same request again (a status-code page re-executing the pipeline) goes on with its session; after a
        // failure (an exception handler re-executing) the failed pass's session is abandoned and a new one starts.
        var session = features.Get<SessionState>() is { Stage: SessionStage.Open } earlier && ReferenceEquals(earlier.Settings, _settings)
            ? earlier.Reenter()
            : new SessionState(context, _settings, detached);
        var previous = features.Get<ISessionFeature>();
        features.Set(session);
        features.Set<ISessionFeature>(session);
        try
        {
            if (_settings.Options.OnValidateSession is { } validate)
            {
                await session.ValidateAsync(validate).ConfigureAwait(false);
            }

            await _next(context).ConfigureAwait(false);
        }
        catch
        {
            session.Abandon();
            throw;
        }
        finally
        {
            // A session whose commit is still to come stays a feature of the request, so that a re-execution of the
            // pipeline before the response starts finds it (using it otherwise throws). Any other is taken away, so
            // that a host reusing its feature collection for the next request never hands a session on.
            if (!session.AwaitsCommit)
            {
                features.Set<SessionState>(null);
            }

            features.Set(previous);
            session.RequestEnded();
        }
    }

    private static void WarnAboutSecrets(CookieSessionOptions options, IReadOnlyList<string> secrets, SignedCookieOptions signed, ILogger logger)
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
        if (options.Format == CookieSessionFormat.Connect
            && CookieSessionSecrets.Of(signed.Secret, signed.Secrets).Any(secrets.Contains))
        {
            Log.SecretSharedWithSignedCookies(logger);
        }
    }
}
