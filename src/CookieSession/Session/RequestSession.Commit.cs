using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Session;

/// <summary>The commit: what becomes of the session cookie, decided once as a <see cref="SessionOutcome"/>, logged once, carried out through the format.</summary>
internal sealed partial class RequestSession
{
    /// <summary>The CHIPS attribute, as browsers read it.</summary>
    private const string PartitionedAttribute = "partitioned";

    /// <summary>The bytes of JSON a commit serializes on the stack before it rents.</summary>
    private const int JsonOnStack = 2048;

    /// <summary>Decides and carries out the outcome; the session is <see cref="Phase.Committed"/> after it, or <see cref="Phase.Abandoned"/> if it failed.</summary>
    /// <exception cref="CookieSessionTooLargeException">The session does not fit its cookie: nothing was written.</exception>
    private void Commit()
    {
        if (!Has(Flags.Used) && !_settings.SaveUninitialized && _contents?.TypedViews is null)
        {
            _phase = Phase.Committed;
            return;
        }

        // Most sessions serialize on the stack; a larger one moves to a rented array.
        var buffer = new PooledByteBuffer(stackalloc byte[JsonOnStack]);
        try
        {
            FlushTypedViews();
            var outcome = Decide(ref buffer, out var tls);
            Apply(outcome, buffer.WrittenSpan, tls);
            _phase = Phase.Committed;
        }
        catch
        {
            _phase = Phase.Abandoned;
            throw;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Writes what the typed views changed into the session.</summary>
    /// <exception cref="InvalidOperationException">A key was changed both through a typed view and the untyped session.</exception>
    private void FlushTypedViews()
    {
        if (_contents?.TypedViews is { } views)
        {
            foreach (var view in views)
            {
                view.Flush();
            }
        }
    }

    /// <summary>Whether a typed view changed since the commit: a change made to its value as the response starts.</summary>
    private bool TypedViewsChanged()
    {
        if (_contents?.TypedViews is { } views)
        {
            foreach (var view in views)
            {
                if (view.HasChanges())
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Takes out the headers of a commit made before the response started, so that it can be made again.</summary>
    private void TakeBackWrite()
    {
        if (_contents is not { } contents)
        {
            return;
        }

        // Whether or not its headers are in this response: a write the cookie policy withheld appended none, and a
        // wrapped Response.Cookies may put them elsewhere.
        _settings.Format.TakeBack(contents.WrittenEntry);
        contents.WrittenEntry = null;
        contents.CachingBefore?.PutBack(_context.Response);
        contents.CachingBefore = null;
        if (contents.Written.First is not null)
        {
            contents.Written.RemoveFrom(_context.Response);
            contents.Written = default;
        }
    }

    /// <summary>
    /// Decides the outcome. For <see cref="SessionOutcome.Written"/> and <see cref="SessionOutcome.Renewed"/>,
    /// <paramref name="json"/> (empty as given) holds what to write when the session was serialized (else the loaded
    /// JSON stands).
    /// </summary>
    private SessionOutcome Decide(ref PooledByteBuffer json, out bool tls)
    {
        var options = _settings.Options;
        tls = false;
        if (!Has(Flags.Used) && !options.SaveUninitialized)
        {
            return SessionOutcome.Unused;
        }

        var contents = Contents;
        if (contents.IsUnavailable)
        {
            // Never overwritten nor deleted: it loads again once the key ring can be read.
            return SessionOutcome.Unavailable;
        }

        if (Has(Flags.DeleteCookie) && contents.Count == 0)
        {
            // Cleared, and nothing stored since (or stored and removed again): the old cookie must go.
            return IsSecured(out tls) ? SessionOutcome.Deleted : SessionOutcome.NotSecured;
        }

        if (contents.IsNew && contents.Count == 0 && !options.SaveUninitialized)
        {
            return SessionOutcome.Empty;
        }

        var changed = contents.IsNew;
        if (contents.MayHaveChanged || contents.IsNew)
        {
            contents.Serialize(ref json);
            changed |= !json.WrittenSpan.SequenceEqual(contents.LoadedJson);
        }

        if (changed && _settings.Descriptor.DeletesEmptiedSession && !contents.IsNew && contents.Count == 0)
        {
            // The peer's framework deletes a cookie whose session was emptied rather than write an empty one.
            return IsSecured(out tls) ? SessionOutcome.Deleted : SessionOutcome.NotSecured;
        }

        var write = changed
            || (contents.ResponseCookie is { } cookie && !cookie.HasSameSettings(_settings.DefaultCookie));
        var renew = Has(Flags.Used) && (options.Rolling || contents.NeedsRenewal || Has(Flags.RenewRequested));
        if (!write && !renew)
        {
            return SessionOutcome.Unchanged;
        }

        if (!IsSecured(out tls))
        {
            return SessionOutcome.NotSecured;
        }

        return write ? SessionOutcome.Written : SessionOutcome.Renewed;
    }

    /// <summary>
    /// Whether the cookie may be sent on this response (not one that must be <c>Secure</c> on a request that did not
    /// come over TLS); asked only of a response that sends it, since reading the scheme has its cost.
    /// </summary>
    private bool IsSecured(out bool tls)
    {
        var cookie = _contents?.ResponseCookie ?? _settings.DefaultCookie;
        tls = RequestSecurity.IsTls(_context.Request, _settings.Options.TrustProxy);
        return cookie.SecurePolicy != CookieSecurePolicy.Always || tls;
    }

    private void Apply(SessionOutcome outcome, ReadOnlySpan<byte> serialized, bool tls)
    {
        var settings = _settings;
        var response = _context.Response;
        if (Has(Flags.Used))
        {
            CachingHeaders.AddVaryCookie(response);
        }

        switch (outcome)
        {
            case SessionOutcome.Deleted:
                Log.SessionCleared(settings.Logger, settings.CookieName);
                var before = response.Headers.SetCookie.Count;
                settings.Format.Delete(response, BuildCookieOptions(settings, _contents?.ResponseCookie ?? settings.DefaultCookie, tls, forDelete: true, default), _contents?.FirstReadOfWritten);
                Contents.Written = AppendedHeaders.Since(response, before);
                settings.Metrics?.Deleted(settings.Descriptor);
                Contents.CachingBefore = CachingHeaders.MakeNotStorableBySharedCaches(response);
                break;
            case SessionOutcome.NotSecured:
                Log.NotSecured(settings.Logger, settings.CookieName);
                if (settings.FirstNotSecured())
                {
                    Log.NotSecuredFirstTime(settings.Logger, settings.CookieName);
                }

                break;
            case SessionOutcome.Unchanged:
                Log.UnmodifiedSession(settings.Logger, settings.CookieName);
                break;
            case SessionOutcome.Written or SessionOutcome.Renewed:
                Write(outcome, serialized, tls);
                break;
        }
    }

    private void Write(SessionOutcome outcome, ReadOnlySpan<byte> serialized, bool tls)
    {
        var settings = _settings;
        var response = _context.Response;
        var contents = Contents;
        var json = serialized.IsEmpty ? contents.LoadedJson : serialized;
        if (outcome == SessionOutcome.Renewed)
        {
            Log.Renewing(settings.Logger, settings.CookieName, Has(Flags.RenewRequested) ? "OnValidateSession asked"
                : settings.Options.Rolling ? "Rolling"
                : settings.Descriptor.RenewalReason);
        }
        else
        {
            Log.SetCookie(settings.Logger, settings.CookieName, json.Length);
        }

        // Max-Age becomes Expires from the moment the cookie is written, as cookie-session does.
        var now = settings.TimeProvider.GetUtcNow();
        var cookieOptions = (contents.ResponseCookie is null ? settings.DefaultCookieOptions(tls) : null)
            ?? BuildCookieOptions(settings, contents.ResponseCookie ?? settings.DefaultCookie, tls, forDelete: false, now);
        var times = new SessionTimes(contents.Times?.CreatedAt ?? now, now);
        var before = response.Headers.SetCookie.Count;
        try
        {
            contents.WrittenEntry = settings.Format.Write(response, json, times, cookieOptions, contents.FirstReadOfWritten);
        }
        catch (CookieSessionTooLargeException e)
        {
            Log.CookieTooLarge(settings.Logger, settings.CookieName, e.Size, e.Limit);
            throw;
        }

        var written = AppendedHeaders.Since(response, before);
        contents.Written = written;

        // A cookie the cookie policy withheld for lack of consent was not written: it is not counted as such. Only a
        // write that appended nothing can have been withheld, so the features are asked only then.
        var withheld = written.Count == 0 && SetCookieWriter.IsWithheld(_context, cookieOptions);
        if (withheld)
        {
            Log.NoTrackingConsent(settings.Logger, settings.CookieName);
        }

        if (settings.Metrics is { } metrics && !withheld)
        {
            metrics.Written(settings.Descriptor, outcome == SessionOutcome.Renewed, metrics.MeasuresSize ? SizeOfHeadersSince(response, before) : 0);
        }

        contents.CachingBefore = CachingHeaders.MakeNotStorableBySharedCaches(response);
    }

    /// <summary>The bytes of the Set-Cookie headers appended since there were <paramref name="before"/> of them.</summary>
    private static int SizeOfHeadersSince(HttpResponse response, int before)
    {
        var size = 0;
        var headers = response.Headers.SetCookie;
        for (var i = before; i < headers.Count; i++)
        {
            size += headers[i]?.Length ?? 0;
        }

        return size;
    }

    /// <summary>The options a cookie of the session is appended with; also what the codec writes outside a request.</summary>
    public static CookieOptions BuildCookieOptions(ResolvedOptions settings, CookieSessionCookie cookie, bool tls, bool forDelete, DateTimeOffset now)
    {
        var builder = settings.Options.Cookie;
        var options = new CookieOptions
        {
            Path = cookie.Path,
            Domain = cookie.Domain,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite,
            IsEssential = builder.IsEssential,
            Secure = cookie.SecurePolicy switch
            {
                CookieSecurePolicy.Always => true,
                CookieSecurePolicy.None => false,
                _ => tls,
            },
        };

        if (!forDelete)
        {
            options.MaxAge = cookie.MaxAge;
            options.Expires = cookie.MaxAge is { } maxAge ? now + maxAge : cookie.Expires;
        }

        if (settings.Options.Partitioned && options.Secure)
        {
            // Browsers refuse Partitioned without Secure (a response that set SecurePolicy None goes unpartitioned).
            // CHIPS; ASP.NET's CookieOptions has no property for it (aspnetcore#53224).
            options.Extensions.Add(PartitionedAttribute);
        }

        if (builder.Extensions.Count > 0)
        {
            foreach (var extension in builder.Extensions)
            {
                options.Extensions.Add(extension);
            }
        }

        return options;
    }
}
