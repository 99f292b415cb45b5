using System.Buffers;
using System.Buffers.Text;
using System.Text;
using CookieSession.Formats.Protected;
using CookieSession.Tests.Formats.Protected;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Session;

/// <summary>Regression found in review: decrypted sessions went back to ArrayPool&lt;byte&gt;.Shared uncleared.</summary>
public sealed class PooledBufferRegressionTests
{
    /// <summary>
    /// ProtectedSessionFormat.Open decrypts into a buffer rented from ArrayPool&lt;byte&gt;.Shared; every path returns it
    /// without clearArray (here: an idle-expired cookie, SessionCookieReadResult.Rejected; the same for SessionContents.Release
    /// after every request). The next renter of that size on the thread gets the plaintext session of another user.
    /// </summary>
    [Fact]
    public void DecryptedSession_IsLeftInTheSharedPool()
    {
        const string name = ".CookieSession";
        var provider = new EphemeralDataProtectionProvider();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var format = new ProtectedSessionFormat(
            name, provider, null, new CookieSessionOptions { IdleTimeout = TimeSpan.FromMinutes(1) }, null, time, NullLogger.Instance);
        var then = time.GetUtcNow() - TimeSpan.FromHours(1);
        var value = ProtectedCookie.Seal(provider, name, "{\"card\":\"4111-1111-1111-1111\"}"u8, then, then);
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{name}={value}";

        var result = format.Read(context.Request);
        Assert.False(result.IsLoaded); // IdleExpired

        var next = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(value.Length));
        Assert.DoesNotContain("4111-1111", Encoding.ASCII.GetString(next), StringComparison.Ordinal);
    }
}
