using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Commands : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "commands",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommandId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CourtyardId = table.Column<string>(type: "text", nullable: false),
                    AgentId = table.Column<string>(type: "text", nullable: false),
                    DeviceId = table.Column<string>(type: "text", nullable: true),
                    Outlet = table.Column<int>(type: "integer", nullable: true),
                    On = table.Column<bool>(type: "boolean", nullable: true),
                    ForMinutes = table.Column<int>(type: "integer", nullable: true),
                    WorkOrderId = table.Column<long>(type: "bigint", nullable: true),
                    IssuedBy = table.Column<string>(type: "text", nullable: false),
                    Person = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Checklist = table.Column<string>(type: "text", nullable: true),
                    IssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotSentReason = table.Column<string>(type: "text", nullable: true),
                    ResultAuditedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_commands", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_commands_CommandId",
                table: "commands",
                column: "CommandId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_commands_CourtyardId_IssuedAt",
                table: "commands",
                columns: new[] { "CourtyardId", "IssuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_commands_ResultAuditedAt",
                table: "commands",
                column: "ResultAuditedAt");

            migrationBuilder.CreateIndex(
                name: "IX_commands_WorkOrderId",
                table: "commands",
                column: "WorkOrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "commands");
        }
    }
}
