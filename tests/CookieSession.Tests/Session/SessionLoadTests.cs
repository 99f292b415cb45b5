using CookieSession.Formats;
using CookieSession.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Testing;

namespace CookieSession.Tests.Session;

/// <summary>Reading the cookie is the error boundary: whatever a format throws becomes an empty session.</summary>
public sealed class SessionLoadTests
{
    private const string SecretInTheCookie = "the-cookie-value-must-never-be-logged";

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(FormatException))]
    [InlineData(typeof(IndexOutOfRangeException))]
    [InlineData(typeof(System.Security.Cryptography.CryptographicException))]
    public void Load_FormatThrows_EmptySessionAndLoggedRejection(Type exceptionType)
    {
        var logs = new FakeLogCollector();
        var options = new CookieSessionOptions { Secret = "s" };
        var format = new ThrowingFormat((Exception)Activator.CreateInstance(exceptionType, "bad cookie: " + SecretInTheCookie)!);
        var settings = new ResolvedOptions(options, format, new FakeLogger(logs), TimeProvider.System);
        var context = new DefaultHttpContext();
        var session = RequestSession.Enter(context, settings);

        Assert.True(session.IsNew);
        Assert.Null(session.Get<string>("user"));
        Assert.Empty(session.Keys);

        var record = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "CookieRejected");
        Assert.Contains("Malformed", record.Message, StringComparison.Ordinal);
        Assert.Contains(exceptionType.Name, record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretInTheCookie, record.Message, StringComparison.Ordinal);
        Assert.Null(record.Exception);
    }

    private sealed class ThrowingFormat(Exception error) : IWireFormat
    {
        public SessionCookieReadResult Read(HttpRequest request) => throw error;

        public VerifiedCookieCache.Entry? Write(HttpResponse response, ReadOnlySpan<byte> json, SessionTimes times, CookieOptions options, VerifiedCookieCache.Entry? replacing) => throw new NotSupportedException();

        public void Delete(HttpResponse response, CookieOptions options, VerifiedCookieCache.Entry? replacing) => throw new NotSupportedException();

        public void TakeBack(VerifiedCookieCache.Entry? written) => throw new NotSupportedException();
    }
}
