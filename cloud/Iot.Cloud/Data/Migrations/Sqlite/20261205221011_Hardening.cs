using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MergedReports",
                table: "work_orders",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "Closed",
                table: "sequence_states",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "MustChangePassword",
                table: "accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "merged_reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkOrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    TrackingCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ReportKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_merged_reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_merged_reports_work_orders_WorkOrderId",
                        column: x => x.WorkOrderId,
                        principalTable: "work_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_unplaced_readings_ReceivedAt",
                table: "unplaced_readings",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_sequence_states_UpdatedAt",
                table: "sequence_states",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_boot_anchors_UpdatedAt",
                table: "boot_anchors",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_merged_reports_ReportKey",
                table: "merged_reports",
                column: "ReportKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_merged_reports_TrackingCode",
                table: "merged_reports",
                column: "TrackingCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_merged_reports_WorkOrderId",
                table: "merged_reports",
                column: "WorkOrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "merged_reports");

            migrationBuilder.DropIndex(
                name: "IX_unplaced_readings_ReceivedAt",
                table: "unplaced_readings");

            migrationBuilder.DropIndex(
                name: "IX_sequence_states_UpdatedAt",
                table: "sequence_states");

            migrationBuilder.DropIndex(
                name: "IX_boot_anchors_UpdatedAt",
                table: "boot_anchors");

            migrationBuilder.DropColumn(
                name: "MergedReports",
                table: "work_orders");

            migrationBuilder.DropColumn(
                name: "Closed",
                table: "sequence_states");

            migrationBuilder.DropColumn(
                name: "MustChangePassword",
                table: "accounts");
        }
    }
}
