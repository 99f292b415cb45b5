using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.AppModels;

/// <summary>Blazor's interactive render modes run outside any request: their cascading HttpContext is null.</summary>
public sealed class NoHttpContextTests
{
    [Fact]
    public void GetCookieSession_WithoutAnHttpContext_SaysWhyAndWhatToDo()
    {
        HttpContext? interactive = null;

        var error = Assert.Throws<ArgumentNullException>(() => interactive!.GetCookieSession());

        Assert.Equal("context", error.ParamName);
        Assert.Contains("interactive render mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("static server rendering", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypedSession_WithoutAnHttpContext_SaysWhyAndWhatToDo()
    {
        HttpContext? interactive = null;

        var error = Assert.Throws<ArgumentNullException>(() => interactive!.GetCookieSession<Dictionary<string, string>>());

        Assert.Contains("interactive render mode", error.Message, StringComparison.Ordinal);
    }
}
