using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NotificationSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notification_channels",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Party = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    SealedUrl = table.Column<string>(type: "text", nullable: false),
                    SealedSecret = table.Column<string>(type: "text", nullable: true),
                    MinSeverity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AccessKeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SignName = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    TemplatesJson = table.Column<string>(type: "text", nullable: false),
                    PhonesJson = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_channels", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "notification_rotas",
                columns: table => new
                {
                    Party = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ShiftsJson = table.Column<string>(type: "text", nullable: false),
                    Fallback = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Supervisor = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_rotas", x => x.Party);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notification_channels_Party",
                table: "notification_channels",
                column: "Party");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_channels");

            migrationBuilder.DropTable(
                name: "notification_rotas");
        }
    }
}
