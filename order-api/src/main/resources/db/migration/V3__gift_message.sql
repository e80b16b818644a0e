-- OrderPlaced v3: an optional message for the recipient. Nullable, so instances of the previous version, which do not
-- name the column, keep inserting while the new version rolls out.
ALTER TABLE customer_order ADD COLUMN gift_message VARCHAR(200) NULL;
