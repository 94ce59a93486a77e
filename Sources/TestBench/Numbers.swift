/// A derived table `numbers` of the integers in `range`, one per row in column `seq`, that runs on
/// MariaDB and MySQL alike: MariaDB's `seq_1_to_N` tables do not exist on MySQL, so it is a recursive
/// common table expression (the sandboxes raise MySQL's `cte_max_recursion_depth` and MariaDB's
/// `max_recursive_iterations` for the large ones).
///
///     try connection.execute("INSERT INTO t SELECT seq, 'x' FROM \(numbers(1...1000))")
public func numbers(_ range: ClosedRange<Int>) -> String {
    "(WITH RECURSIVE numbers (seq) AS (SELECT \(range.lowerBound) UNION ALL SELECT seq + 1 FROM numbers"
        + " WHERE seq < \(range.upperBound)) SELECT seq FROM numbers) AS numbers"
}
