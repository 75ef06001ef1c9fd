-- CreateIndex
CREATE INDEX "Support_issueId_createdAt_idx" ON "Support"("issueId", "createdAt");
