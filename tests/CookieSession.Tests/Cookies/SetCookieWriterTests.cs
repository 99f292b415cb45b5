using System.Text;
using CookieSession.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace CookieSession.Tests.Cookies;

/// <summary>The one writer of every cookie: the header it formats is the one Response.Cookies writes, and its size is checked.</summary>
public sealed class SetCookieWriterTests
{
    public static TheoryData<string, string, CookieOptions> Cases() => new()
    {
        { "connect.sess", "s:j:{\"count\":1}.QaA3VUxvg7b11JSJ7deLwQD3x13u/uoLbfoW+SKX8OM", new CookieOptions() },
        { "a", "plain-._~", new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax } },
        { "sess", "é😀 !*'()\"<>", new CookieOptions { Path = "/admin", Domain = "example.com", Secure = true, SameSite = SameSiteMode.None } },
        { "s", "x", new CookieOptions { Expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), MaxAge = TimeSpan.FromSeconds(3600.7), SameSite = SameSiteMode.Strict, HttpOnly = true } },
        { "s", "", new CookieOptions { Expires = DateTimeOffset.UnixEpoch, Path = "/" } },
        { "s", "x", WithExtensions(new CookieOptions { Path = "/" }, "priority=high", "foo") },
        { "we!rd*name", "v", new CookieOptions() },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_Percent_EqualsResponseCookiesAppend(string name, string value, CookieOptions options)
    {
        var context = new DefaultHttpContext();
        context.Response.Cookies.Append(name, value, options);
        var expected = context.Response.Headers.SetCookie.ToString();

        Assert.Equal(expected, SetCookieWriter.Format(name, Encoding.UTF8.GetBytes(value), CookieValueEncoding.Percent, options));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_FixedOptions_EqualsResponseCookiesAppend(string name, string value, CookieOptions options)
    {
        var context = new DefaultHttpContext();
        context.Response.Cookies.Append(name, value, options);
        var expected = context.Response.Headers.SetCookie.ToString();
        var fixedOptions = new FixedCookieOptions(options);

        Assert.Equal(expected, SetCookieWriter.Format(name, Encoding.UTF8.GetBytes(value), CookieValueEncoding.Percent, fixedOptions));
        Assert.Equal(SetCookieWriter.MaxRawValueLength(name, options), SetCookieWriter.MaxRawValueLength(name, fixedOptions));
    }

    [Fact]
    public void Delete_FixedOptions_WritesExpiredCookieNotTheFixedAttributes()
    {
        var options = new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        var expected = new DefaultHttpContext();
        expected.Response.Cookies.Delete("connect.sess", options);
        var actual = new DefaultHttpContext();

        SetCookieWriter.Delete(actual.Response, "connect.sess", new FixedCookieOptions(options), CookieValueEncoding.Percent);

        Assert.Equal(expected.Response.Headers.SetCookie.ToString(), actual.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void Delete_PlainResponseCookies_EqualsResponseCookiesDelete()
    {
        var options = new CookieOptions { Path = "/admin", Domain = "example.com", HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromHours(1) };
        var expected = new DefaultHttpContext();
        expected.Response.Cookies.Delete("connect.sess", options);
        var actual = new DefaultHttpContext();

        SetCookieWriter.Delete(actual.Response, "connect.sess", options, CookieValueEncoding.Percent);

        Assert.Equal(expected.Response.Headers.SetCookie.ToString(), actual.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void Append_Raw_WritesValueAsItIs()
    {
        var context = new DefaultHttpContext();
        SetCookieWriter.Append(context.Response, "session", "eyJhIjoxfQ=="u8, CookieValueEncoding.Raw, new CookieOptions { Path = "/" }, NullLogger.Instance);
        Assert.Equal("session=eyJhIjoxfQ==; path=/", context.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void AppendRawPair_AppendsBothAfterTheResponsesOwnHeaders()
    {
        var context = new DefaultHttpContext();
        context.Response.Headers.SetCookie = "theme=dark";
        var (value, signature) = SetCookieWriter.AppendRawPair(
            context.Response, "session", "eyJhIjoxfQ=="u8, "session.sig", "abc-_"u8, new CookieOptions { Path = "/" }, NullLogger.Instance, out var withheld);

        Assert.False(withheld);
        Assert.Equal(new[] { "theme=dark", "session=eyJhIjoxfQ==; path=/", "session.sig=abc-_; path=/" }, context.Response.Headers.SetCookie.Select(header => header ?? ""));
        Assert.Equal("eyJhIjoxfQ==", value.ToString());
        Assert.Equal("abc-_", signature.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AppendRawPair_EitherHeaderTooLarge_AppendsNeither(bool firstTooLarge)
    {
        var context = new DefaultHttpContext();
        var large = Encoding.ASCII.GetBytes(new string('a', 4096));
        var e = Assert.Throws<CookieSessionTooLargeException>(() => SetCookieWriter.AppendRawPair(
            context.Response, "session", firstTooLarge ? large : "v"u8.ToArray(), "session.sig", firstTooLarge ? "s"u8.ToArray() : large,
            new CookieOptions(), NullLogger.Instance, out _));

        Assert.Equal(firstTooLarge ? "session" : "session.sig", e.CookieName);
        Assert.Empty(context.Response.Headers.SetCookie.ToString());
    }

    [Theory]
    [InlineData("a b", false)]
    [InlineData("a;b", false)]
    [InlineData("a\"b", false)]
    [InlineData("é", false)]
    [InlineData("a b", true)]
    [InlineData("a,b", true)]
    [InlineData("é", true)]
    public void Append_RawValueOutsideCookieOctets_Throws(string value, bool fixedOptions)
    {
        var context = new DefaultHttpContext();
        var options = fixedOptions ? new FixedCookieOptions(new CookieOptions { Path = "/" }) : new CookieOptions();
        Assert.Throws<ArgumentException>(() => SetCookieWriter.Append(
            context.Response, "n", Encoding.UTF8.GetBytes(value), CookieValueEncoding.Raw, options, NullLogger.Instance));
        Assert.Empty(context.Response.Headers.SetCookie.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_RawFixedOptions_EqualsRawWithTheOptionsGiven(string name, string value, CookieOptions options)
    {
        // The raw path takes cookie octets only: what a case has beyond them is left out.
        var raw = new string(value.Where(c => c is > ' ' and < '\x7f' and not ('"' or ',' or ';' or '\\')).ToArray());
        var expected = SetCookieWriter.Format(name, Encoding.ASCII.GetBytes(raw), CookieValueEncoding.Raw, options);

        var actual = SetCookieWriter.Format(name, Encoding.ASCII.GetBytes(raw), CookieValueEncoding.Raw, new FixedCookieOptions(options));

        Assert.Equal(expected, actual);
        Assert.StartsWith($"{name}={raw}", actual, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Append_FixedOptions_AllowsExactly4096BytesAndNoMore(bool raw)
    {
        var encoding = raw ? CookieValueEncoding.Raw : CookieValueEncoding.Percent;
        // A value with nothing to escape: written as it is, either way.
        var options = new FixedCookieOptions(new CookieOptions { Path = "/", HttpOnly = true });
        var overhead = "n=; path=/; httponly".Length;
        var fits = new DefaultHttpContext();
        var travelling = SetCookieWriter.Append(fits.Response, "n", Encoding.ASCII.GetBytes(new string('a', 4096 - overhead)), encoding, options, NullLogger.Instance);
        Assert.Equal(4096, fits.Response.Headers.SetCookie.ToString().Length);
        Assert.Equal(new string('a', 4096 - overhead), travelling.ToString());

        var over = new DefaultHttpContext();
        var e = Assert.Throws<CookieSessionTooLargeException>(() => SetCookieWriter.Append(
            over.Response, "n", Encoding.ASCII.GetBytes(new string('a', 4097 - overhead)), encoding, options, NullLogger.Instance));
        Assert.Equal(4097, e.Size);
        Assert.Empty(over.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void AppendRawPair_FixedOptions_WritesBothWithTheFixedAttributesAndRefusesOneTooLarge()
    {
        var options = new FixedCookieOptions(new CookieOptions { Path = "/", SameSite = SameSiteMode.Lax, HttpOnly = true });
        var context = new DefaultHttpContext();
        var (value, signature) = SetCookieWriter.AppendRawPair(
            context.Response, "session", "eyJhIjoxfQ=="u8, "session.sig", "abc-_"u8, options, NullLogger.Instance, out var withheld);

        Assert.False(withheld);
        Assert.Equal(
            new[] { "session=eyJhIjoxfQ==; path=/; samesite=lax; httponly", "session.sig=abc-_; path=/; samesite=lax; httponly" },
            context.Response.Headers.SetCookie.Select(header => header ?? ""));
        Assert.Equal("eyJhIjoxfQ==", value.ToString());
        Assert.Equal("abc-_", signature.ToString());

        var over = new DefaultHttpContext();
        Assert.Throws<CookieSessionTooLargeException>(() => SetCookieWriter.AppendRawPair(
            over.Response, "session", Encoding.ASCII.GetBytes(new string('a', 4096)), "session.sig", "s"u8.ToArray(), options, NullLogger.Instance, out _));
        Assert.Empty(over.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void Append_PlainResponseCookies_AllowsExactly4096Bytes()
    {
        var fits = new DefaultHttpContext();
        var options = new CookieOptions { Path = "/" };
        var overhead = "n=; path=/".Length;
        SetCookieWriter.Append(fits.Response, "n", Encoding.ASCII.GetBytes(new string('a', 4096 - overhead)), CookieValueEncoding.Percent, options, NullLogger.Instance);
        Assert.Equal(4096, fits.Response.Headers.SetCookie.ToString().Length);

        var over = new DefaultHttpContext();
        var e = Assert.Throws<CookieSessionTooLargeException>(() => SetCookieWriter.Append(
            over.Response, "n", Encoding.ASCII.GetBytes(new string('a', 4097 - overhead)), CookieValueEncoding.Percent, options, NullLogger.Instance));
        Assert.Equal(4097, e.Size);
        Assert.Empty(over.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void Append_ThroughCookiePolicy_KeepsHeadroomSoThePolicysAdditionsStayUnder4096()
    {
        // A policy that adds secure, httponly and a stricter SameSite to every cookie.
        var policy = new CookiePolicyOptions
        {
            Secure = CookieSecurePolicy.Always,
            HttpOnly = HttpOnlyPolicy.Always,
            MinimumSameSitePolicy = SameSiteMode.Strict,
        };
        var options = new CookieOptions { Path = "/", SameSite = SameSiteMode.Lax };
        var overhead = "n=; path=/; samesite=lax".Length;

        var fits = WithCookiePolicy(policy);
        SetCookieWriter.Append(fits.Response, "n", Encoding.ASCII.GetBytes(new string('a', 4050 - overhead)), CookieValueEncoding.Percent, options, NullLogger.Instance);
        var sent = fits.Response.Headers.SetCookie.ToString();
        Assert.Contains("; secure", sent, StringComparison.Ordinal);
        Assert.True(sent.Length <= 4096, $"{sent.Length} bytes were sent");

        var over = WithCookiePolicy(policy);
        var e = Assert.Throws<CookieSessionTooLargeException>(() => SetCookieWriter.Append(
            over.Response, "n", Encoding.ASCII.GetBytes(new string('a', 4051 - overhead)), CookieValueEncoding.Percent, options, NullLogger.Instance));
        Assert.Equal(4050, e.Limit);
    }

    [Theory]
    [InlineData("/a;b", null, null)]
    [InlineData("/a\r\nSet-Cookie: x=y", null, null)]
    [InlineData(null, "example.com; secure", null)]
    [InlineData(null, "exa mple.com", null)]
    [InlineData(null, "exämple.com", null)]
    [InlineData(null, null, "priority=high; domain=evil.com")]
    [InlineData(null, null, "x\u0001")]
    public void Append_AttributeThatCouldSplitTheHeader_Throws(string? path, string? domain, string? extension)
    {
        var options = new CookieOptions { Path = path, Domain = domain };
        if (extension is not null)
        {
            options.Extensions.Add(extension);
        }

        var context = new DefaultHttpContext();
        Assert.Throws<ArgumentException>(() => SetCookieWriter.Append(context.Response, "n", "v"u8, CookieValueEncoding.Percent, options, NullLogger.Instance));
        Assert.Throws<ArgumentException>(() => SetCookieWriter.Delete(context.Response, "n", options, CookieValueEncoding.Percent));
        Assert.Empty(context.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void Append_SameSiteNoneWithoutSecure_Warns()
    {
        var logs = new FakeLogCollector();
        var logger = new FakeLogger(logs);
        var context = new DefaultHttpContext();

        SetCookieWriter.Append(context.Response, "n", "v"u8, CookieValueEncoding.Percent, new CookieOptions { SameSite = SameSiteMode.None }, logger);
        SetCookieWriter.Append(context.Response, "n", "v"u8, CookieValueEncoding.Percent, new CookieOptions { SameSite = SameSiteMode.None, Secure = true }, logger);

        var warning = Assert.Single(logs.GetSnapshot());
        Assert.Equal("SameSiteNoneWithoutSecure", warning.Id.Name);
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    private static DefaultHttpContext WithCookiePolicy(CookiePolicyOptions policy)
    {
        var context = new DefaultHttpContext();
        var feature = new ResponseCookiesFeature(context.Features);

        // What CookiePolicyMiddleware installs: Response.Cookies wrapped by the policy.
        var wrapperType = typeof(CookiePolicyOptions).Assembly.GetType("Microsoft.AspNetCore.CookiePolicy.ResponseCookiesWrapper", throwOnError: true)!;
        var wrapper = (IResponseCookies)Activator.CreateInstance(wrapperType, context, policy, feature, NullLogger.Instance)!;
        context.Features.Set<IResponseCookiesFeature>(new WrappedCookiesFeature(wrapper));
        return context;
    }

    private sealed class WrappedCookiesFeature(IResponseCookies cookies) : IResponseCookiesFeature
    {
        public IResponseCookies Cookies => cookies;
    }

    private static CookieOptions WithExtensions(CookieOptions options, params string[] extensions)
    {
        foreach (var extension in extensions)
        {
            options.Extensions.Add(extension);
        }

        return options;
    }
}
