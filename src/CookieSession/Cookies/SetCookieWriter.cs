using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using SameSiteMode = Microsoft.AspNetCore.Http.SameSiteMode;

namespace CookieSession.Cookies;

/// <summary>
/// Writes every cookie of the library, whatever its format: one formatter for the header and its size, so that
/// the size checked is the size sent, and no cookie a browser would drop (over 4096 bytes) leaves silently.
/// </summary>
/// <remarks>
/// <para>
/// When <c>Response.Cookies</c> is ASP.NET Core's own (no cookie policy or other wrapper in the pipeline), the
/// header is formatted once, into one string, exactly as <c>Response.Cookies.Append</c> would write it (the
/// same escaping, attribute order and spelling), and appended.
/// </para>
/// <para>
/// Otherwise a percent-encoded cookie goes through <c>Response.Cookies</c>, so that the cookie policy sees and
/// shapes it; the policy may still add <c>secure</c>, <c>httponly</c> or a stricter <c>samesite</c>, so such a
/// cookie keeps <see cref="PolicyHeadroom"/> bytes free (ASP.NET's own chunking stops at 4050 for this reason).
/// A raw cookie cannot go through <c>Response.Cookies</c> (it would percent-encode <c>+</c>, <c>/</c> and <c>=</c>):
/// its header is written here, honouring cookie consent (<see cref="ITrackingConsentFeature"/>), and the other
/// rules of the policy do not see it.
/// </para>
/// </remarks>
internal static class SetCookieWriter
{
    /// <summary>Bytes kept free for what a cookie policy may add: <c>; secure</c>, <c>; httponly</c>, <c>; samesite=strict</c> and more.</summary>
    public const int PolicyHeadroom = CookieSessionDefaults.MaxCookieSize - 4050;

    /// <summary>The characters of a header formatted on the stack before a rented array: a cookie's worth.</summary>
    private const int HeaderOnStack = CookieSessionDefaults.MaxCookieSize;

    /// <summary>RFC 6265's cookie-octet: visible ASCII but <c>"</c>, <c>,</c>, <c>;</c> and <c>\</c>.</summary>
    private static readonly SearchValues<byte> CookieOctets = SearchValues.Create(
        "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    /// <summary>
    /// Appends <c>name=value</c> with <paramref name="options"/>, and returns the value as it travels (escaped),
    /// which is what the browser sends back.
    /// </summary>
    /// <exception cref="CookieSessionTooLargeException">The header would exceed <see cref="CookieSessionDefaults.MaxCookieSize"/>.</exception>
    /// <exception cref="ArgumentException">An attribute value that could end or split the header.</exception>
    public static ReadOnlyMemory<char> Append(HttpResponse response, string name, ReadOnlySpan<byte> value, CookieValueEncoding encoding, CookieOptions options, ILogger logger)
        => Append(response, name, value, encoding, options, logger, out _);

    /// <summary>
    /// As <see cref="Append(HttpResponse, string, ReadOnlySpan{byte}, CookieValueEncoding, CookieOptions, ILogger)"/>;
    /// <paramref name="withheld"/> says the cookie policy withheld the cookie for lack of consent, so that the browser
    /// keeps the one it has.
    /// </summary>
    public static ReadOnlyMemory<char> Append(HttpResponse response, string name, ReadOnlySpan<byte> value, CookieValueEncoding encoding, CookieOptions options, ILogger logger, out bool withheld)
    {
        withheld = false;
        ValidateName(name);
        ValidateAttributes(options);
        var plain = IsPlainResponseCookies(response.HttpContext);
        var header = FormatHeader(name, value, encoding, options, out var valueLength);
        var travelling = header.AsMemory(name.Length + 1, valueLength);
        if (plain || encoding == CookieValueEncoding.Raw)
        {
            ThrowIfTooLarge(name, header, CookieSessionDefaults.MaxCookieSize);
            if (!plain && !options.IsEssential && response.HttpContext.Features[typeof(ITrackingConsentFeature)] is ITrackingConsentFeature { CanTrack: false })
            {
                withheld = true;
                return travelling;
            }

            WarnIfSameSiteNoneWithoutSecure(name, options, logger);

            // Through the typed property, which Kestrel's headers keep in a field of their own, not the string indexer.
            var headers = response.Headers;
            headers.SetCookie = StringValues.Concat(headers.SetCookie, header);
            return travelling;
        }

        var limit = CookieSessionDefaults.MaxCookieSize - PolicyHeadroom;
        ThrowIfTooLarge(name, header, limit);

        // Whether the cookie policy's wrapper of Response.Cookies wrote it: seen in the headers, not predicted.
        var before = response.Headers.SetCookie.Count;

        // A copy: a cookie policy strengthens the options it is given (Secure, SameSite), and a caller writing several
        // cookies (chunks) sizes each with the options as it set them; the policy's additions use the headroom.
        response.Cookies.Append(name, Encoding.UTF8.GetString(value), new CookieOptions(options));
        withheld = response.Headers.SetCookie.Count == before;
        return travelling;
    }

    /// <summary>
    /// Appends two raw cookies with the same options, a value and its signature, in one change of the headers: both or
    /// neither (a header too large, or withheld for lack of consent, stops both before either is appended). Returns each
    /// value as it travels.
    /// </summary>
    /// <exception cref="CookieSessionTooLargeException">A header would exceed <see cref="CookieSessionDefaults.MaxCookieSize"/>.</exception>
    public static (ReadOnlyMemory<char> First, ReadOnlyMemory<char> Second) AppendRawPair(
        HttpResponse response, string firstName, ReadOnlySpan<byte> firstValue, string secondName, ReadOnlySpan<byte> secondValue, CookieOptions options, ILogger logger, out bool withheld)
    {
        withheld = false;
        ValidateName(firstName);
        ValidateName(secondName);
        ValidateAttributes(options);
        var first = FormatHeader(firstName, firstValue, CookieValueEncoding.Raw, options, out var firstLength);
        var second = FormatHeader(secondName, secondValue, CookieValueEncoding.Raw, options, out var secondLength);
        var travelling = (first.AsMemory(firstName.Length + 1, firstLength), second.AsMemory(secondName.Length + 1, secondLength));
        ThrowIfTooLarge(firstName, first, CookieSessionDefaults.MaxCookieSize);
        ThrowIfTooLarge(secondName, second, CookieSessionDefaults.MaxCookieSize);
        if (IsWithheld(response.HttpContext, options))
        {
            withheld = true;
            return travelling;
        }

        WarnIfSameSiteNoneWithoutSecure(firstName, options, logger);
        WarnIfSameSiteNoneWithoutSecure(secondName, options, logger);
        var headers = response.Headers;
        headers.SetCookie = StringValues.Concat(headers.SetCookie, new StringValues([first, second]));
        return travelling;
    }

    /// <summary>Appends what deletes the cookie: the same name, path and domain, empty, expired in 1970.</summary>
    public static void Delete(HttpResponse response, string name, CookieOptions options, CookieValueEncoding encoding)
    {
        ValidateName(name);
        ValidateAttributes(options);
        var expired = new CookieOptions(options) { Expires = DateTimeOffset.UnixEpoch, MaxAge = null };
        if (encoding == CookieValueEncoding.Percent && !IsPlainResponseCookies(response.HttpContext))
        {
            response.Cookies.Delete(name, expired);
            return;
        }

        response.Headers.Append(HeaderNames.SetCookie, Format(name, default, encoding, expired));
    }

    /// <summary>
    /// The longest value of unreserved characters (A-Z a-z 0-9 - . _ ~, which no encoding changes) a cookie of this
    /// name with these attributes can have and still be written.
    /// </summary>
    public static int MaxUnreservedValueLength(HttpContext context, string name, CookieOptions options)
        => CookieSessionDefaults.MaxCookieSize - (IsPlainResponseCookies(context) ? 0 : PolicyHeadroom)
            - name.Length - 1 - AttributesLength(options);

    /// <summary>The longest raw value a cookie of this name with these attributes can have and still be written.</summary>
    public static int MaxRawValueLength(string name, CookieOptions options)
        => CookieSessionDefaults.MaxCookieSize - name.Length - 1 - AttributesLength(options);

    /// <summary>
    /// Whether a cookie policy will withhold a non-essential cookie for lack of consent: a format writing several
    /// cookies asks first, so that it never leaves some written and others not.
    /// </summary>
    public static bool IsWithheld(HttpContext context, CookieOptions options)
        => !options.IsEssential && !IsPlainResponseCookies(context) && context.Features[typeof(ITrackingConsentFeature)] is ITrackingConsentFeature { CanTrack: false };

    /// <summary>Whether <c>Response.Cookies</c> is ASP.NET Core's own, with nothing wrapped around it.</summary>
    public static bool IsPlainResponseCookies(HttpContext context)
        => context.Features[typeof(IResponseCookiesFeature)] is not IResponseCookiesFeature feature || feature.GetType() == typeof(ResponseCookiesFeature);

    /// <summary>
    /// The header <c>Response.Cookies.Append</c> writes (for <see cref="CookieValueEncoding.Percent"/>: the value
    /// escaped as <see cref="Uri.EscapeDataString(string)"/> does), attributes in <see cref="SetCookieHeaderValue"/>'s
    /// order and spelling.
    /// </summary>
    public static string Format(string name, ReadOnlySpan<byte> value, CookieValueEncoding encoding, CookieOptions options)
        => FormatHeader(name, value, encoding, options, out _);

    /// <summary>As <see cref="Format(string, ReadOnlySpan{byte}, CookieValueEncoding, CookieOptions)"/>, with the length of the value as it travels (escaped).</summary>
    private static string FormatHeader(string name, ReadOnlySpan<byte> value, CookieValueEncoding encoding, CookieOptions options, out int valueLength)
    {
        var percent = encoding == CookieValueEncoding.Percent;
        if (options is FixedCookieOptions fixedAttributes && (percent ? UriComponent.NeedsNoEscaping(value) : IsCookieOctets(value)))
        {
            // The value as it is (raw, or with nothing to escape, as Protected's base64url) and the attributes fixed: every
            // length is known before writing, so the header goes straight into its string, with no copy from scratch.
            valueLength = value.Length;
            return string.Create(name.Length + 1 + value.Length + fixedAttributes.AttributeText.Length, new VerbatimHeader(name, value, fixedAttributes.AttributeText), VerbatimHeader.Write);
        }

        var capacity = name.Length + 1 + (percent ? 3 * value.Length : value.Length) + AttributesUpperBound(options);

        // Most headers are put together on the stack, which costs nothing to take, where the pool's two lookups cost more
        // than the copy into the string.
        var rented = capacity > HeaderOnStack ? ArrayPool<char>.Shared.Rent(capacity) : null;
        var span = rented is null ? stackalloc char[HeaderOnStack] : rented.AsSpan();
        try
        {
            var at = 0;
            Write(span, ref at, name);
            span[at++] = '=';
            if (percent)
            {
                at += UriComponent.Escape(value, span[at..]);
            }
            else
            {
                WriteRaw(span, ref at, value);
            }

            valueLength = at - name.Length - 1;

            if (options is FixedCookieOptions fixedOptions)
            {
                Write(span, ref at, fixedOptions.AttributeText);
            }
            else
            {
                WriteAttributes(span, ref at, options);
            }

            return new string(span[..at]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static void WriteRaw(Span<char> span, ref int at, ReadOnlySpan<byte> value)
    {
        ThrowIfNotCookieOctets(value);
        Ascii.ToUtf16(value, span[at..], out var written);
        at += written;
    }

    private static void ThrowIfNotCookieOctets(ReadOnlySpan<byte> value)
    {
        if (!IsCookieOctets(value))
        {
            throw new ArgumentException("A raw cookie value must consist of cookie octets.", nameof(value));
        }
    }

    /// <summary>Whether a value can be written raw; one that cannot takes the path that throws.</summary>
    private static bool IsCookieOctets(ReadOnlySpan<byte> value) => value.IndexOfAnyExcept(CookieOctets) < 0;

    /// <summary>
    /// The parts of a header whose value goes out as it is (raw, or with nothing to escape), written into the string that
    /// <see cref="string.Create{TState}(int, TState, System.Buffers.SpanAction{char, TState})"/> makes.
    /// </summary>
    private readonly ref struct VerbatimHeader(string name, ReadOnlySpan<byte> value, string attributes)
    {
        public static readonly SpanAction<char, VerbatimHeader> Write = static (span, header) =>
        {
            header._name.CopyTo(span);
            span[header._name.Length] = '=';
            var at = header._name.Length + 1;
            Ascii.ToUtf16(header._value, span[at..], out var written);
            Debug.Assert(written == header._value.Length, "The value was checked to be ASCII before its length was counted.");
            header._attributes.CopyTo(span[(at + written)..]);
        };

        private readonly string _name = name;
        private readonly ReadOnlySpan<byte> _value = value;
        private readonly string _attributes = attributes;
    }

    private static void WriteAttributes(Span<char> span, ref int at, CookieOptions options)
    {
        if (options.Expires is { } expires)
        {
            Write(span, ref at, "; expires=");
            expires.TryFormat(span[at..], out var written, "r", CultureInfo.InvariantCulture);
            at += written;
        }

        if (options.MaxAge is { } maxAge)
        {
            Write(span, ref at, "; max-age=");
            ((long)maxAge.TotalSeconds).TryFormat(span[at..], out var written, provider: CultureInfo.InvariantCulture);
            at += written;
        }

        if (!string.IsNullOrEmpty(options.Domain))
        {
            Write(span, ref at, "; domain=");
            Write(span, ref at, options.Domain);
        }

        if (!string.IsNullOrEmpty(options.Path))
        {
            Write(span, ref at, "; path=");
            Write(span, ref at, options.Path);
        }

        if (options.Secure)
        {
            Write(span, ref at, "; secure");
        }

        Write(span, ref at, options.SameSite switch
        {
            SameSiteMode.Strict => "; samesite=strict",
            SameSiteMode.Lax => "; samesite=lax",
            SameSiteMode.None => "; samesite=none",
            _ => string.Empty,
        });

        if (options.HttpOnly)
        {
            Write(span, ref at, "; httponly");
        }

        foreach (var extension in options.Extensions)
        {
            Write(span, ref at, "; ");
            Write(span, ref at, extension);
        }
    }

    /// <summary>The attributes as <see cref="Format"/> writes them, as a string of their own.</summary>
    public static string FormatAttributes(CookieOptions options)
    {
        var rented = ArrayPool<char>.Shared.Rent(AttributesUpperBound(options));
        try
        {
            var at = 0;
            WriteAttributes(rented, ref at, options);
            return new string(rented, 0, at);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The length of the attributes as <see cref="Format"/> writes them, written on the stack to count them.</summary>
    private static int AttributesLength(CookieOptions options)
    {
        if (options is FixedCookieOptions fixedOptions)
        {
            return fixedOptions.AttributeText.Length;
        }

        var bound = AttributesUpperBound(options);
        var rented = bound > 512 ? ArrayPool<char>.Shared.Rent(bound) : null;
        var span = rented is null ? stackalloc char[bound] : rented.AsSpan();
        var at = 0;
        WriteAttributes(span, ref at, options);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return at;
    }

    /// <summary>At least the length of the attributes: each one at its longest.</summary>
    private static int AttributesUpperBound(CookieOptions options)
    {
        if (options is FixedCookieOptions fixedOptions)
        {
            return fixedOptions.AttributeText.Length;
        }

        var size = "; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=-9223372036854775808; domain=; path=; secure; samesite=strict; httponly".Length
            + (options.Domain?.Length ?? 0) + (options.Path?.Length ?? 0);
        foreach (var extension in options.Extensions)
        {
            size += 2 + extension.Length;
        }

        return size;
    }

    /// <exception cref="CookieSessionTooLargeException">The header is longer than <paramref name="limit"/>.</exception>
    private static void ThrowIfTooLarge(string name, string header, int limit)
    {
        if (header.Length > limit)
        {
            throw new CookieSessionTooLargeException(name, header.Length, limit);
        }
    }

    private static void ValidateName(string name)
    {
        if (!CookieNames.IsValid(name))
        {
            throw new ArgumentException("A cookie name must be a non-empty token of letters, digits and !#$%&'*+-.^_`|~.", nameof(name));
        }
    }

    /// <summary>Whether <see cref="ValidateAttributes"/> lets these options through.</summary>
    public static bool AreValidAttributes(CookieOptions options)
        => (string.IsNullOrEmpty(options.Path) || CookieAttributes.IsValidPath(options.Path))
            && (string.IsNullOrEmpty(options.Domain) || CookieAttributes.IsValidDomain(options.Domain))
            && options.Extensions.All(CookieAttributes.IsValidExtension);

    private static void ValidateAttributes(CookieOptions options)
    {
        if (options is FixedCookieOptions { AttributesAreValid: true })
        {
            return;
        }

        if (!string.IsNullOrEmpty(options.Path) && !CookieAttributes.IsValidPath(options.Path))
        {
            throw new ArgumentException($"The cookie path {CookieAttributes.PathRule}.", nameof(options));
        }

        if (!string.IsNullOrEmpty(options.Domain) && !CookieAttributes.IsValidDomain(options.Domain))
        {
            throw new ArgumentException($"The cookie domain {CookieAttributes.DomainRule}.", nameof(options));
        }

        foreach (var extension in options.Extensions)
        {
            if (!CookieAttributes.IsValidExtension(extension))
            {
                throw new ArgumentException($"A cookie extension attribute {CookieAttributes.ExtensionRule}.", nameof(options));
            }
        }
    }

    private static void WarnIfSameSiteNoneWithoutSecure(string name, CookieOptions options, ILogger logger)
    {
        // What ASP.NET's own Response.Cookies says for the cookies it writes: browsers drop such a cookie.
        if (options.SameSite == SameSiteMode.None && !options.Secure)
        {
            Log.SameSiteNoneWithoutSecure(logger, name);
        }
    }

    private static void Write(Span<char> span, ref int at, string text)
    {
        text.CopyTo(span[at..]);
        at += text.Length;
    }
}
