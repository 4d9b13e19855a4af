var builder = WebApplication.CreateBuilder(args);

var app = builder.Build();

app.Run();

/// <summary>The cloud service's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
