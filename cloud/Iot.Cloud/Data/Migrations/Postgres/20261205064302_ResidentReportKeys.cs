using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResidentReportKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReportKey",
                table: "work_orders",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_work_orders_ReportKey",
                table: "work_orders",
                column: "ReportKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_work_orders_ReportKey",
                table: "work_orders");

            migrationBuilder.DropColumn(
                name: "ReportKey",
                table: "work_orders");
        }
    }
}
