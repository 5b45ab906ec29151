-- The role in an audit entry becomes a code rendered in the reader's language
-- (it was English prose for remote maintenance). Order numbers are 18
-- characters (FF + date + 8 digits) and end the old text.
UPDATE audit_entries
   SET acting_as = 'maintenance:' || substr(acting_as, length('remote maintenance of order ') + 1)
 WHERE acting_as LIKE 'remote maintenance of order %';
UPDATE audit_entries
   SET acting_as = 'maintainer:' || substr(acting_as, length(acting_as) - 17)
 WHERE acting_as LIKE 'app admin of % via remote maintenance of order %';
