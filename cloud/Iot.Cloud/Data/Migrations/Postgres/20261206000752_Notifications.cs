using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AlertId",
                table: "notifications",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "notifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ChannelKind",
                table: "notifications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "notifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeasedUntil",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "MessageId",
                table: "notifications",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "Recipient",
                table: "notifications",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Severity",
                table: "notifications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TemplateParams",
                table: "notifications",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Text",
                table: "notifications",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "WorkOrderId",
                table: "notifications",
                type: "bigint",
                nullable: true);

            // Rows queued before channels existed: each its own message id, on the party's shorthand webhook (named after the party).
            migrationBuilder.Sql("UPDATE notifications SET \"MessageId\" = gen_random_uuid(), \"Channel\" = \"PartyId\", \"ChannelKind\" = 'Webhook', \"Severity\" = 'Warning', \"Text\" = \"Kind\";");

            migrationBuilder.CreateIndex(
                name: "IX_notifications_AlertId",
                table: "notifications",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_notifications_MessageId",
                table: "notifications",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notifications_WorkOrderId",
                table: "notifications",
                column: "WorkOrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notifications_AlertId",
                table: "notifications");

            migrationBuilder.DropIndex(
                name: "IX_notifications_MessageId",
                table: "notifications");

            migrationBuilder.DropIndex(
                name: "IX_notifications_WorkOrderId",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "AlertId",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "ChannelKind",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "LeasedUntil",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "MessageId",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "Recipient",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "Severity",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "TemplateParams",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "Text",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "WorkOrderId",
                table: "notifications");
        }
    }
}
