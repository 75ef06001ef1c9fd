-- AlterTable
ALTER TABLE "Community" ADD COLUMN     "demo" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "LocalMessage" (
    "id" SERIAL NOT NULL,
    "seq" SERIAL NOT NULL,
    "chatId" TEXT NOT NULL,
    "authorId" TEXT,
    "authorName" TEXT,
    "text" TEXT NOT NULL,
    "buttons" JSONB NOT NULL DEFAULT '[]',
    "clientMessageId" TEXT,
    "edited" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LocalMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LocalMessage_seq_key" ON "LocalMessage"("seq");

-- CreateIndex
CREATE INDEX "LocalMessage_chatId_seq_idx" ON "LocalMessage"("chatId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "LocalMessage_chatId_clientMessageId_key" ON "LocalMessage"("chatId", "clientMessageId");
