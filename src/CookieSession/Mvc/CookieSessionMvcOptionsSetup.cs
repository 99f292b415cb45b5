using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Options;

namespace CookieSession.Mvc;

/// <summary>
/// Lets MVC actions and Razor Pages handlers take the session as a parameter without an attribute: MVC infers services
/// only for API controllers. Resolved only by an application that uses MVC.
/// </summary>
internal sealed class CookieSessionMvcOptionsSetup : IConfigureOptions<MvcOptions>
{
    public void Configure(MvcOptions options)
    {
        options.ModelBinderProviders.Insert(0, new CookieSessionModelBinder());

        // Bound from the request, as CancellationToken is: never inferred from the body, nor listed as input by ApiExplorer.
        options.ModelMetadataDetailsProviders.Add(new BindingSourceMetadataProvider(typeof(ICookieSession), BindingSource.Special));
        options.ModelMetadataDetailsProviders.Add(new SuppressChildValidationMetadataProvider(typeof(ICookieSession)));
    }
}
