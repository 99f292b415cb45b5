extern alias MvcSample;

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Program = MvcSample::Program;

namespace CookieSession.Tests.Testing;

// The docs quote this class (the region below) as their "testing an app that uses sessions" example: keep it short and
// self-contained. In an app's own test project, Program is the app's, with no alias.
// <signed-in-client>
public sealed class SignedInClientTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Index_ClientSignedInThroughTheCodec_ShowsTheName()
    {
        // The app's own codec makes the cookie, under the app's format and secrets: no sign-in form to drive.
        var codec = factory.Services.GetRequiredService<ICookieSessionCodec>();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", codec.CreateCookieHeader(new JsonObject { ["user"] = "Ada" }));

        var page = await client.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("Signed in as <b id=\"user\">Ada</b>", page, StringComparison.Ordinal);
    }
}
// </signed-in-client>
