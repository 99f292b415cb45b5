using System.Text;
using CookieSession.Formats;
using CookieSession.Json;
using CookieSession.Tests.Formats.Protected;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Formats;

/// <summary>
/// Every format is a descriptor and a codec: the descriptors cover every <see cref="CookieSessionFormat"/> once, and
/// each codec, built as the library builds it, reads back what it wrote, and with its transport refuses a changed
/// cookie; garbage is refused without throwing.
/// </summary>
public sealed class FormatDescriptorTests
{
    private const string Secret = "a secret of at least thirty-two characters, for every format";

    public static TheoryData<CookieSessionFormat> Formats() => new(Enum.GetValues<CookieSessionFormat>());

    [Theory]
    [MemberData(nameof(Formats))]
    public void Of_EveryFormat_HasItsOwnDescriptor(CookieSessionFormat format)
    {
        var descriptor = FormatDescriptors.Of(format);

        Assert.NotNull(descriptor);
        Assert.Equal(format, descriptor.Format);
        Assert.Single(FormatDescriptors.All, d => d.Format == format);
    }

    [Fact]
    public void All_MetricNames_AreDistinct()
    {
        var metricNames = FormatDescriptors.All.Select(d => d.MetricName).ToList();

        Assert.Equal(metricNames.Count, metricNames.Distinct(StringComparer.Ordinal).Count());
        Assert.All(metricNames, name => Assert.Matches("^[a-z_]+$", name));
    }

    [Fact]
    public void All_DefaultCookieNames_AreTheFrameworksOwnValidNames()
    {
        // Not distinct: Express's cookie-session and Flask both name their cookie "session", and each format keeps its framework's name.
        Assert.All(FormatDescriptors.All.Select(d => d.DefaultCookieName).OfType<string>(), name => Assert.True(CookieSession.Cookies.CookieNames.IsValid(name), name));
        Assert.Equal(CookieSessionDefaults.FlaskCookieName, FormatDescriptors.Of(CookieSessionFormat.Flask)!.DefaultCookieName);
    }

    [Fact]
    public void Of_AValueNoFormatHas_IsNull() => Assert.Null(FormatDescriptors.Of((CookieSessionFormat)999));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Codec_EncodedValue_DecodesToTheSameJsonAndNeedsNoRenewal(CookieSessionFormat format)
    {
        WithCodec(format, codec =>
        {
            var json = Encoding.UTF8.GetBytes("{\"n\":1,\"who\":\"é ü;, \\\"q\\\"\",\"list\":[1,{\"x\":null}]}");
            var value = Encode(codec, json);

            var read = codec.Decode(value);

            Assert.True(read.IsLoaded, $"{read.Rejection}");
            Assert.Equal(json, read.Json.ToArray());
            Assert.False(read.NeedsRenewal);
        });
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_CookieWithOneCharacterChanged_IsRejected(CookieSessionFormat format)
    {
        WithServices(format, (options, services) =>
        {
            options.VerifiedCookieCacheSize = 0;
            var wire = WireFormat.Create(options, [Secret], TimeProvider.System, NullLogger.Instance, services);
            var now = TimeProvider.System.GetUtcNow();
            var response = new DefaultHttpContext().Response;
            wire.Write(response, "{\"user\":\"ada\"}"u8, new SessionTimes(now, now), new CookieOptions { Path = "/" });
            var pairs = response.Headers.SetCookie.Select(header => header!.Split(';')[0]).ToList();
            var first = pairs[0];
            var rejected = 0;
            for (var i = first.IndexOf('=') + 1; i < first.Length; i += Math.Max(1, first.Length / 40))
            {
                var changed = first.ToCharArray();
                changed[i] = changed[i] == 'A' ? 'B' : 'A';
                var request = new DefaultHttpContext().Request;
                request.Headers.Cookie = string.Join("; ", [new string(changed), .. pairs.Skip(1)]);
                var read = wire.Read(request);
                if (read.IsLoaded)
                {
                    // Only where the wire allows it (iron-session's suffix, outside the MAC): the same session.
                    Assert.Equal("{\"user\":\"ada\"}", Encoding.UTF8.GetString(read.Json));
                }
                else
                {
                    rejected++;
                }
            }

            Assert.True(rejected > 0, "No change was noticed.");
        });
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Codec_Garbage_RejectedWithoutThrowing(CookieSessionFormat format)
    {
        string[] garbage = ["", "x", "%", "%zz", "s:j:{}.abc", "chunks-3", "~2", "********", "Fe26.2**", "a.b.c", new string('a', 9000), "\u00e9\u0000"];
        WithCodec(format, codec =>
        {
            foreach (var value in garbage)
            {
                var read = codec.Decode(value);
                Assert.False(read.IsLoaded, value.Length > 20 ? value[..20] : value);
                Assert.NotEqual(SessionCookieRejection.None, read.Rejection);
            }
        });
    }

    private static string Encode(ISessionCodec codec, byte[] json)
    {
        var now = TimeProvider.System.GetUtcNow();
        var buffer = new PooledByteBuffer(256);
        try
        {
            codec.Encode(json, new SessionTimes(now, now), ref buffer);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>The format's codec as the middleware builds it, from options post-configured as the application's are.</summary>
    private static void WithCodec(CookieSessionFormat format, Action<ISessionCodec> test)
        => WithServices(format, (options, services) =>
            test(FormatDescriptors.Of(format)!.CreateCodec(new FormatContext(options, "sid", [Secret], TimeProvider.System, NullLogger.Instance, services))));

    private static void WithServices(CookieSessionFormat format, Action<CookieSessionOptions, IServiceProvider> test)
    {
        var keys = ProtectedHost.NewKeyFolder();
        try
        {
            using var services = new ServiceCollection()
                .AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(new DirectoryInfo(keys)).Services
                .AddCookieSession(o =>
                {
                    o.Format = format;
                    o.Secret = Secret;
                    o.Cookie.Name = "sid";
                })
                .BuildServiceProvider();
            test(services.GetRequiredService<IOptions<CookieSessionOptions>>().Value, services);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
