namespace CookieSession;

/// <summary>
/// Registered by <see cref="CookieSessionServiceCollectionExtensions.AddCookieSession(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{CookieSessionOptions})"/> only, so that
/// <see cref="CookieSessionApplicationBuilderExtensions.UseCookieSession"/> can tell at start-up that it was called.
/// </summary>
internal sealed class CookieSessionMarkerService;
