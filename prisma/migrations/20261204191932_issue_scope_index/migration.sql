-- A new issue looks for look-alikes among the open issues of its own building (or of the community as a whole): the
-- scope's columns join the index, so the search reads that building's issues, not every open issue of the community.

-- DropIndex
DROP INDEX "Issue_communityId_status_idx";

-- CreateIndex
CREATE INDEX "Issue_communityId_status_buildingId_idx" ON "Issue"("communityId", "status", "buildingId");
