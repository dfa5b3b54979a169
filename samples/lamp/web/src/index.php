<?php
// LAMP sample page. Plain-text answers, one fact per line, so scripts can parse them:
//   GET /              records a visit, prints "visits: N" (N counted in MariaDB)
//   GET /?note=TEXT    stores a note, prints "stored: TEXT"
//   GET /notes         lists the stored notes, one per line (also /?list=1)
//   GET /health        "ok" once Apache+PHP answer (no database access)
header('Content-Type: text/plain; charset=utf-8');

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';

if ($path === '/health') {
    echo "ok\n";
    exit;
}
if (!in_array($path, ['/', '/index.php', '/notes'], true)) {
    http_response_code(404);
    echo "not found: $path\n";
    exit;
}

function env(string $name, string $default): string
{
    $value = getenv($name);
    return $value === false || $value === '' ? $default : $value;
}

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
try {
    $db = new mysqli(
        env('DB_HOST', 'db'),
        env('DB_USER', 'lamp'),
        env('DB_PASSWORD', ''),
        env('DB_NAME', 'lamp'),
        (int) env('DB_PORT', '3306')
    );
    $db->set_charset('utf8mb4');
    $db->query('CREATE TABLE IF NOT EXISTS visits (
        id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        visited_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)');
    $db->query('CREATE TABLE IF NOT EXISTS notes (
        id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)');

    if ($path === '/notes' || isset($_GET['list'])) {
        foreach ($db->query('SELECT body FROM notes ORDER BY id') as $row) {
            echo str_replace(["\r", "\n"], ' ', $row['body']), "\n";
        }
    } elseif (isset($_GET['note']) && is_string($_GET['note'])) {
        $note = $_GET['note'];
        $stmt = $db->prepare('INSERT INTO notes (body) VALUES (?)');
        $stmt->bind_param('s', $note);
        $stmt->execute();
        echo 'stored: ', str_replace(["\r", "\n"], ' ', $note), "\n";
    } else {
        $db->query('INSERT INTO visits () VALUES ()');
        $visits = $db->query('SELECT COUNT(*) FROM visits')->fetch_row()[0];
        echo "visits: $visits\n";
        echo 'server: ', $db->server_info, ' on ', env('DB_HOST', 'db'), "\n";
        echo 'php: ', PHP_VERSION, "\n";
    }
} catch (mysqli_sql_exception $e) {
    http_response_code(503);
    echo 'error: database: ', $e->getMessage(), "\n";
}
