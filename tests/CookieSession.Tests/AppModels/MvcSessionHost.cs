using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Properties;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.AppModels;

/// <summary>
/// An in-memory MVC app set up as the documentation says to keep TempData in the session
/// (<c>AddControllersWithViews().AddSessionStateTempDataProvider()</c>), in front of this assembly's controllers, with
/// the session in the format named <paramref name="formatName"/> (a row of <see cref="FuzzFormats"/>). An exception that leaves the pipeline becomes a 500, as a server's does.
/// </summary>
internal static class MvcSessionHost
{
    public static Task<SessionTestHost> StartAsync(string formatName)
    {
        var format = FuzzFormats.Named(formatName);
        return SessionTestHost.StartPipelineAsync(
            app =>
            {
                app.UseRouting();
                app.UseEndpoints(endpoints => endpoints.MapControllers());
            },
            format.Configure,
            services =>
            {
                format.ConfigureServices?.Invoke(services);
                services.AddControllersWithViews()
                    .AddApplicationPart(typeof(TempDataController).Assembly)
                    .AddSessionStateTempDataProvider();
            },
            beforeSession: app => app.Use(AnswerUnhandledExceptionsAsync));
    }

    private static async Task AnswerUnhandledExceptionsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (InvalidOperationException) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }
}
