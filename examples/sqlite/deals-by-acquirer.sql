-- Deals per acquirer, most active first, with the largest stated price.
SELECT acquirer, count(*) AS deals, max(price) AS largest_price, group_concat(target, '; ') AS targets
FROM deals
WHERE acquirer IS NOT NULL
GROUP BY acquirer
ORDER BY deals DESC, acquirer;
