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

    public Task Invoke(HttpContext context)
    {
        var detached = !CookiePath.Matches(context.Request, _settings.DefaultCookie.Path);
        if (detached)
        {
            Log.OutsidePath(_settings.Logger, _settings.DefaultCookie.Path);
        }

        // The features are looked up by their Type (the indexer), not through the generic Get/Set: those are
        // generic interface methods, whose dispatch costs more than the lookup itself.
        var features = context.Features;
        var feature = Enter(context, features, detached);
        features[typeof(SessionFeature)] = feature;
        features[typeof(ISessionFeature)] = feature;

        Task next;
        try
        {
            next = _settings.Options.OnValidateSession is { } validate
                ? ValidateThenNextAsync(feature.State, validate, context)
                : _next(context);
        }
        catch
        {
            feature.StateIfUsed?.Abandon();
            Leave(features, feature);
            throw;
        }

        if (next.IsCompletedSuccessfully)
        {
            Leave(features, feature);
            return Task.CompletedTask;
        }

        return AwaitNextAsync(next, features, feature);
    }

    /// <summary>
    /// The request's session feature: the same request again (a status-code page re-executing the pipeline) goes on
    /// with its session; after a failure (an exception handler re-executing) the failed pass's session was abandoned
    /// and a new one starts.
    /// </summary>
    private SessionFeature Enter(HttpContext context, IFeatureCollection features, bool detached)
    {
        // Another session middleware may have set ISessionFeature to null as it left (ASP.NET Core's does): the
        // session feature of an earlier pass is looked for under its own type as well.
        var previous = features[typeof(ISessionFeature)] as ISessionFeature;
        var earlier = previous as SessionFeature ?? features[typeof(SessionFeature)] as SessionFeature;
        if (earlier is { StateIfUsed: { Stage: SessionStage.Open } state } && ReferenceEquals(earlier.Settings, _settings))
        {
            state.Reenter();
            earlier.IsEntered = true;
            return earlier;
        }

        if (earlier is { IsEntered: false } && ReferenceEquals(previous, earlier))
        {
            // A session feature of an earlier pass that is over: not one to restore. (One still entered is the
            // feature of another cookie session middleware around this one, put back as this one leaves.)
            previous = earlier.Previous;
        }

        var feature = SessionFeature.Rent();
        feature.Start(context, _settings, detached, previous, outer: earlier is { IsEntered: true } ? earlier : null);
        if (!detached && (_settings.Options.SaveUninitialized || _settings.Options.OnValidateSession is not null))
        {
            // Connect's SaveUninitialized gives even a request that never touches the session a cookie; the
            // validation hook reads it on every request.
            _ = feature.State;
        }

        return feature;
    }

    private async Task ValidateThenNextAsync(SessionState state, Func<CookieSessionValidationContext, Task> validate, HttpContext context)
    {
        await state.ValidateAsync(validate).ConfigureAwait(false);
        await _next(context).ConfigureAwait(false);
    }

    private async Task AwaitNextAsync(Task next, IFeatureCollection features, SessionFeature feature)
    {
        try
        {
            await next.ConfigureAwait(false);
        }
        catch
        {
            feature.StateIfUsed?.Abandon();
            throw;
        }
        finally
        {
            Leave(features, feature);
        }
    }

    /// <summary>
    /// The request leaves the middleware, and <c>ISessionFeature</c> is put back as it was. A session whose commit is
    /// still to come stays a feature of the request under its own type, so that a re-execution of the pipeline before
    /// the response starts finds it (using it otherwise throws). Any other is taken away (the feature of a cookie
    /// session middleware around this one put back), so that a host reusing its feature collection never hands a
    /// session on, and the feature is kept as this thread's spare.
    /// </summary>
    private void Leave(IFeatureCollection features, SessionFeature feature)
    {
        feature.IsEntered = false;
        var state = feature.StateIfUsed;
        if (state is { AwaitsCommit: true })
        {
            features[typeof(ISessionFeature)] = feature.Previous;
            state.RequestEnded();
            return;
        }

        features[typeof(SessionFeature)] = feature.Outer;
        features[typeof(ISessionFeature)] = feature.Previous;
        state?.RequestEnded();
        SessionFeature.Return(feature);
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
