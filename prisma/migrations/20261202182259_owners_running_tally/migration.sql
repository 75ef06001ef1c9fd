-- AlterTable
ALTER TABLE "Building" ADD COLUMN     "registerArea" DECIMAL(14,2) NOT NULL DEFAULT 0,
ADD COLUMN     "registerHouseholds" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "OwnersTally" (
    "pollId" INTEGER NOT NULL,
    "buildingId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "households" INTEGER NOT NULL DEFAULT 0,
    "area" DECIMAL(14,2) NOT NULL DEFAULT 0,

    CONSTRAINT "OwnersTally_pkey" PRIMARY KEY ("pollId","buildingId","position")
);

-- CreateIndex
CREATE INDEX "Ballot_pollId_source_idx" ON "Ballot"("pollId", "source");

-- AddForeignKey
ALTER TABLE "OwnersTally" ADD CONSTRAINT "OwnersTally_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OwnersTally" ADD CONSTRAINT "OwnersTally_buildingId_fkey" FOREIGN KEY ("buildingId") REFERENCES "Building"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Running totals, kept by triggers so that every way a ballot or a household changes (vote taps in a batch, one
-- vote, a paper ballot, a register import, a deleted ballot or poll) moves them in the same transaction. Statement
-- triggers with transition tables: a batch of a thousand ballots is one grouped upsert, not a thousand. Rows are
-- locked in key order (polls first, then their totals), so concurrent writers queue instead of deadlocking.

-- Households added (+1), removed (-1) or changed (-1 as they were, +1 as they are): the register per building,
-- and the totals of ballots already cast for them when their area or building changed.
CREATE FUNCTION "yishi_register_delta"(ids int[], buildings int[], areas numeric[], signs int[]) RETURNS void
LANGUAGE sql AS $$
  WITH changes AS (SELECT * FROM unnest(ids, buildings, areas, signs) AS c("id", "buildingId", "area", "sign")),
  delta AS (
    SELECT "buildingId", sum("sign")::int AS n, sum("sign" * "area") AS area FROM changes
    GROUP BY "buildingId" HAVING sum("sign") <> 0 OR sum("sign" * "area") <> 0),
  locked AS (SELECT b."id" FROM "Building" b WHERE b."id" IN (SELECT "buildingId" FROM delta) ORDER BY b."id" FOR NO KEY UPDATE)
  UPDATE "Building" b SET "registerHouseholds" = b."registerHouseholds" + delta.n, "registerArea" = b."registerArea" + delta.area
  FROM delta WHERE b."id" = delta."buildingId" AND b."id" IN (SELECT "id" FROM locked);

  SELECT 1 FROM "Poll" WHERE "id" IN (
    SELECT bl."pollId" FROM "Ballot" bl WHERE bl."householdId" = ANY(ids)) ORDER BY "id" FOR NO KEY UPDATE;

  INSERT INTO "OwnersTally" AS t ("pollId", "buildingId", "position", "households", "area")
  SELECT bl."pollId", changes."buildingId", o."position", sum(changes."sign")::int, sum(changes."sign" * changes."area")
  FROM unnest(ids, buildings, areas, signs) AS changes("id", "buildingId", "area", "sign")
  JOIN "Ballot" bl ON bl."householdId" = changes."id"
  JOIN "BallotChoice" c ON c."ballotId" = bl."id"
  JOIN "PollOption" o ON o."id" = c."optionId"
  GROUP BY 1, 2, 3 HAVING sum(changes."sign") <> 0 OR sum(changes."sign" * changes."area") <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT ("pollId", "buildingId", "position") DO UPDATE
    SET "households" = t."households" + EXCLUDED."households", "area" = t."area" + EXCLUDED."area";
$$;

-- A statement trigger sees only the transition tables its own event has, hence one branch per event.
CREATE FUNCTION "yishi_household_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "yishi_register_delta"(array_agg("id"), array_agg("buildingId"), array_agg("areaM2"), array_agg(1)) FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "yishi_register_delta"(array_agg("id"), array_agg("buildingId"), array_agg("areaM2"), array_agg(-1)) FROM old_rows;
  ELSE
    PERFORM "yishi_register_delta"(array_agg("id"), array_agg("buildingId"), array_agg("areaM2"), array_agg("sign"))
    FROM (SELECT o."id", o."buildingId", o."areaM2", -1 AS "sign" FROM old_rows o JOIN new_rows n USING ("id")
            WHERE (o."buildingId", o."areaM2") IS DISTINCT FROM (n."buildingId", n."areaM2")
          UNION ALL
          SELECT n."id", n."buildingId", n."areaM2", 1 FROM old_rows o JOIN new_rows n USING ("id")
            WHERE (o."buildingId", o."areaM2") IS DISTINCT FROM (n."buildingId", n."areaM2")) AS moved;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Household_register_inserted" AFTER INSERT ON "Household"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "yishi_household_changed"();
CREATE TRIGGER "Household_register_deleted" AFTER DELETE ON "Household"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "yishi_household_changed"();
CREATE TRIGGER "Household_register_updated" AFTER UPDATE ON "Household"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "yishi_household_changed"();

-- Choices added (+1) or removed (-1) on households' ballots (owners' votes; other ballots name no household).
CREATE FUNCTION "yishi_owners_choices_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign int := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  PERFORM 1 FROM "Poll" WHERE "id" IN (
    SELECT bl."pollId" FROM changed c JOIN "Ballot" bl ON bl."id" = c."ballotId" WHERE bl."householdId" IS NOT NULL)
  ORDER BY "id" FOR NO KEY UPDATE;
  INSERT INTO "OwnersTally" AS t ("pollId", "buildingId", "position", "households", "area")
  SELECT bl."pollId", h."buildingId", o."position", sign * count(*)::int, sign * sum(h."areaM2")
  FROM changed c
  JOIN "Ballot" bl ON bl."id" = c."ballotId"
  JOIN "Household" h ON h."id" = bl."householdId"
  JOIN "PollOption" o ON o."id" = c."optionId"
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT ("pollId", "buildingId", "position") DO UPDATE
    SET "households" = t."households" + EXCLUDED."households", "area" = t."area" + EXCLUDED."area";
  RETURN NULL;
END $$;

CREATE TRIGGER "BallotChoice_owners_added" AFTER INSERT ON "BallotChoice"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "yishi_owners_choices_changed"();
CREATE TRIGGER "BallotChoice_owners_removed" AFTER DELETE ON "BallotChoice"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "yishi_owners_choices_changed"();

-- A deleted ballot's choices go with it by cascade, after the ballot row is gone and the trigger above can no
-- longer see whose they were: they are taken off here, while it still can.
CREATE FUNCTION "yishi_owners_ballot_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "OwnersTally" t SET "households" = t."households" - 1, "area" = t."area" - h."areaM2"
  FROM "BallotChoice" c JOIN "PollOption" o ON o."id" = c."optionId", "Household" h
  WHERE c."ballotId" = OLD."id" AND h."id" = OLD."householdId"
    AND t."pollId" = OLD."pollId" AND t."buildingId" = h."buildingId" AND t."position" = o."position";
  RETURN OLD;
END $$;

CREATE TRIGGER "Ballot_owners_deleted" BEFORE DELETE ON "Ballot"
  FOR EACH ROW WHEN (OLD."householdId" IS NOT NULL) EXECUTE FUNCTION "yishi_owners_ballot_deleted"();

-- What is already there.
UPDATE "Building" b SET "registerHouseholds" = r.n, "registerArea" = r.area
FROM (SELECT "buildingId", count(*)::int AS n, sum("areaM2") AS area FROM "Household" GROUP BY "buildingId") AS r
WHERE b."id" = r."buildingId";

INSERT INTO "OwnersTally" ("pollId", "buildingId", "position", "households", "area")
SELECT bl."pollId", h."buildingId", o."position", count(*)::int, sum(h."areaM2")
FROM "BallotChoice" c
JOIN "Ballot" bl ON bl."id" = c."ballotId"
JOIN "Household" h ON h."id" = bl."householdId"
JOIN "PollOption" o ON o."id" = c."optionId"
GROUP BY 1, 2, 3;
