using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Core;

/// <summary>authentik's <c>authentik_core.Token</c>. The key is stored as authentik stores it, so view_key can return it.</summary>
public sealed class Token
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Identifier { get; set; } = "";
    public string Key { get; set; } = "";
    public TokenIntent Intent { get; set; } = TokenIntent.Verification;
    public int UserId { get; set; }
    public User User { get; set; } = null!;
    public string Description { get; set; } = "";
    public bool Expiring { get; set; } = true;
    public DateTime? Expires { get; set; }
    public string? Managed { get; set; }

    public bool IsExpired(DateTime now) => Expiring && Expires is { } e && e <= now;
}

public enum TokenIntent
{
    Verification,
    Api,
    Recovery,
    AppPassword,
}

public static class TokenIntents
{
    public static string ToApi(this TokenIntent intent) => intent switch
    {
        TokenIntent.Verification => "verification",
        TokenIntent.Api => "api",
        TokenIntent.Recovery => "recovery",
        TokenIntent.AppPassword => "app_password",
        _ => throw new ArgumentOutOfRangeException(nameof(intent)),
    };

    public static TokenIntent? FromApi(string? value) => value switch
    {
        "verification" => TokenIntent.Verification,
        "api" => TokenIntent.Api,
        "recovery" => TokenIntent.Recovery,
        "app_password" => TokenIntent.AppPassword,
        _ => null,
    };
}

internal sealed class TokenConfiguration : IEntityTypeConfiguration<Token>
{
    public void Configure(EntityTypeBuilder<Token> b)
    {
        b.ToTable("authentik_core_token");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasColumnName("token_uuid");
        b.Property(t => t.Identifier).HasColumnName("identifier").HasMaxLength(255).IsRequired();
        b.HasIndex(t => t.Identifier).IsUnique().HasDatabaseName("ix_token_identifier");
        // Unbounded as in authentik (a TextField): set_key accepts any length.
        b.Property(t => t.Key).HasColumnName("key").IsRequired();
        b.HasIndex(t => t.Key).HasDatabaseName("ix_token_key");
        b.Property(t => t.Intent).HasColumnName("intent").HasMaxLength(32)
            .HasConversion(i => i.ToApi(), s => TokenIntents.FromApi(s) ?? TokenIntent.Verification);
        b.Property(t => t.UserId).HasColumnName("user_id");
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.UserId).HasDatabaseName("ix_token_user");
        b.Property(t => t.Description).HasColumnName("description").IsRequired();
        b.Property(t => t.Expiring).HasColumnName("expiring");
        b.Property(t => t.Expires).HasColumnName("expires");
        b.Property(t => t.Managed).HasColumnName("managed");
        b.HasIndex(t => t.Managed).IsUnique().HasDatabaseName("ix_token_managed");
    }
}
