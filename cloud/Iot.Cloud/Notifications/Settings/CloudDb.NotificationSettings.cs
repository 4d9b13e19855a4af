using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>The settings page's channels and rotas.</summary>
public static class NotificationSettingsTables
{
    extension(CloudDb db)
    {
        public DbSet<StoredChannel> StoredChannels => db.Set<StoredChannel>();

        public DbSet<StoredRota> StoredRotas => db.Set<StoredRota>();
    }
}

internal sealed class StoredChannelMapping : IEntityTypeConfiguration<StoredChannel>
{
    public void Configure(EntityTypeBuilder<StoredChannel> e)
    {
        e.ToTable("notification_channels");
        e.HasKey(c => c.Name);
        e.HasIndex(c => c.Party);
        e.Property(c => c.Name).HasMaxLength(64);
        e.Property(c => c.Party).HasMaxLength(64);
        e.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(c => c.MinSeverity).HasConversion<string>().HasMaxLength(16);
        e.Property(c => c.Address).HasMaxLength(ChannelRules.MaxUrl);
        e.Property(c => c.AccessKeyId).HasMaxLength(64);
        e.Property(c => c.SignName).HasMaxLength(32);
        e.Property(c => c.UpdatedBy).HasMaxLength(64);
    }
}

internal sealed class StoredRotaMapping : IEntityTypeConfiguration<StoredRota>
{
    public void Configure(EntityTypeBuilder<StoredRota> e)
    {
        e.ToTable("notification_rotas");
        e.HasKey(r => r.Party);
        e.Property(r => r.Party).HasMaxLength(64);
        e.Property(r => r.Fallback).HasMaxLength(16);
        e.Property(r => r.Supervisor).HasMaxLength(16);
        e.Property(r => r.UpdatedBy).HasMaxLength(64);
    }
}
