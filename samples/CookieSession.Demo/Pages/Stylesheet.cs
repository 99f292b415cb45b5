namespace CookieSession.Demo.Pages;

/// <summary>
/// The stylesheet, built into the assembly (<c>Pages/site.css</c>), so that the demo looks the same however it is started:
/// <c>dotnet run</c> in the project, or its DLL from any folder.
/// </summary>
internal static class Stylesheet
{
    private static readonly string s_css = Load();

    public static IResult Serve(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Text(s_css, "text/css; charset=utf-8");
    }

    private static string Load()
    {
        using var stream = typeof(Stylesheet).Assembly.GetManifestResourceStream("CookieSession.Demo.Pages.site.css")
            ?? throw new InvalidOperationException("The stylesheet is not built into the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
