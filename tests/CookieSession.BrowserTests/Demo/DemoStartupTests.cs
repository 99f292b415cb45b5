namespace CookieSession.BrowserTests.Demo;

/// <summary>The demo started as the README says, with no configuration: a development secret, and a warning saying so.</summary>
[Collection(DemoCollection.Name)]
public sealed class DemoStartupTests(DemoApps demos)
{
    [Theory]
    [InlineData(CookieSessionFormat.Connect, true)]
    [InlineData(CookieSessionFormat.IronSession, true)]
    [InlineData(CookieSessionFormat.Protected, false)]
    public async Task Start_NoSecretConfigured_WarnsWhenTheFormatNeedsOne(CookieSessionFormat format, bool warns)
    {
        var demo = await demos.GetAsync(format);

        Assert.Equal(warns, demo.Output().Contains("No CookieSession:Secret is configured; using a development secret.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Format_Unknown_FailsAtStartSayingWhichAreKnown()
    {
        // Not through DemoApps: this one must not start.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DemoApp.StartAsync((CookieSessionFormat)42));

        Assert.Contains("CookieSession:Format is '42': use one of Connect, ExpressCookieSession, Protected, IronSession, Rails, Flask, Django.", error.Message, StringComparison.Ordinal);
    }
}
