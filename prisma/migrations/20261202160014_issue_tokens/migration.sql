-- AlterTable
ALTER TABLE "Issue" ADD COLUMN     "tokens" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "Issue_tokens_idx" ON "Issue" USING GIN ("tokens");
