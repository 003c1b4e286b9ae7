//! The GHS pictograms (CLP Annex V, GHS01–GHS09) as vector drawings made
//! by labstock: a diamond with a red border and a simplified black symbol,
//! drawn in code, never fetched. Each drawing is a list of paths in a unit
//! square (x right, y down), each path one or more closed polygons filled
//! with the even-odd rule (so a ring is two circles), for the SVG and PDF
//! labels alike.

/// One closed polygon, in the unit square.
pub type Polygon = Vec<(f32, f32)>;

/// The red of the border (CLP Annex I 1.2.1: red frame, black symbol on
/// white).
pub const RED: (f32, f32, f32) = (0.89, 0.0, 0.0);

/// The diamond's outline (the border is stroked along it).
pub fn diamond() -> Polygon {
    vec![(0.5, 0.03), (0.97, 0.5), (0.5, 0.97), (0.03, 0.5)]
}

/// Border width, as a fraction of the pictogram's side.
pub const BORDER: f32 = 0.07;

fn circle(cx: f32, cy: f32, r: f32) -> Polygon {
    (0..24)
        .map(|i| {
            let a = i as f32 * std::f32::consts::TAU / 24.0;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Polygon {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

/// A bar of width `w` from (x0, y0) to (x1, y1).
fn bar(x0: f32, y0: f32, x1: f32, y1: f32, w: f32) -> Polygon {
    let (dx, dy) = (x1 - x0, y1 - y0);
    let len = (dx * dx + dy * dy).sqrt().max(f32::EPSILON);
    let (nx, ny) = (-dy / len * w / 2.0, dx / len * w / 2.0);
    vec![
        (x0 + nx, y0 + ny),
        (x1 + nx, y1 + ny),
        (x1 - nx, y1 - ny),
        (x0 - nx, y0 - ny),
    ]
}

/// A flame standing on (cx, base), `h` tall.
fn flame(cx: f32, base: f32, h: f32) -> Polygon {
    [
        (0.0, -1.0),
        (0.22, -0.62),
        (0.2, -0.42),
        (0.3, -0.55),
        (0.36, -0.3),
        (0.3, -0.08),
        (0.16, 0.0),
        (-0.16, 0.0),
        (-0.3, -0.08),
        (-0.36, -0.3),
        (-0.26, -0.5),
        (-0.18, -0.36),
        (-0.12, -0.7),
    ]
    .iter()
    .map(|(x, y)| (cx + x * h, base + y * h))
    .collect()
}

/// The symbol of a pictogram code (`GHS01`…`GHS09`): paths, each filled
/// black with the even-odd rule. `None` for an unknown code.
pub fn symbol(code: &str) -> Option<Vec<Vec<Polygon>>> {
    let paths = match code {
        // Exploding bomb: a ball and the burst above it.
        "GHS01" => vec![
            vec![circle(0.5, 0.6, 0.12)],
            vec![vec![
                (0.5, 0.22),
                (0.54, 0.38),
                (0.66, 0.3),
                (0.6, 0.42),
                (0.5, 0.44),
                (0.4, 0.42),
                (0.34, 0.3),
                (0.46, 0.38),
            ]],
        ],
        // Flame, on a base line.
        "GHS02" => vec![
            vec![flame(0.5, 0.7, 0.42)],
            vec![rect(0.32, 0.72, 0.68, 0.76)],
        ],
        // Flame over circle.
        "GHS03" => vec![
            vec![flame(0.5, 0.56, 0.32)],
            vec![circle(0.5, 0.65, 0.11), circle(0.5, 0.65, 0.07)],
            vec![rect(0.36, 0.76, 0.64, 0.79)],
        ],
        // Gas cylinder, lying at a slant.
        "GHS04" => vec![
            vec![bar(0.32, 0.66, 0.64, 0.44, 0.14)],
            vec![bar(0.64, 0.44, 0.71, 0.39, 0.06)],
        ],
        // Corrosion: two tubes pouring onto a surface and a hand.
        "GHS05" => vec![
            vec![bar(0.3, 0.28, 0.42, 0.4, 0.06)],
            vec![bar(0.58, 0.28, 0.7, 0.4, 0.06)],
            vec![circle(0.44, 0.5, 0.03), circle(0.62, 0.5, 0.03)],
            vec![rect(0.26, 0.6, 0.5, 0.66)],
            vec![rect(0.54, 0.6, 0.74, 0.7)],
        ],
        // Skull and crossbones.
        "GHS06" => vec![
            vec![
                circle(0.5, 0.42, 0.12),
                circle(0.45, 0.41, 0.03),
                circle(0.55, 0.41, 0.03),
            ],
            vec![rect(0.45, 0.5, 0.55, 0.57)],
            vec![bar(0.33, 0.58, 0.67, 0.74, 0.05)],
            vec![bar(0.33, 0.74, 0.67, 0.58, 0.05)],
        ],
        // Exclamation mark.
        "GHS07" => vec![
            vec![vec![(0.45, 0.27), (0.55, 0.27), (0.53, 0.6), (0.47, 0.6)]],
            vec![circle(0.5, 0.68, 0.045)],
        ],
        // Health hazard: a figure with a burst on the chest.
        "GHS08" => vec![
            vec![circle(0.5, 0.3, 0.07)],
            vec![
                vec![(0.36, 0.4), (0.64, 0.4), (0.66, 0.76), (0.34, 0.76)],
                vec![
                    (0.5, 0.47),
                    (0.53, 0.55),
                    (0.6, 0.57),
                    (0.53, 0.6),
                    (0.5, 0.68),
                    (0.47, 0.6),
                    (0.4, 0.57),
                    (0.47, 0.55),
                ],
            ],
        ],
        // Environment: a dead tree and a fish.
        "GHS09" => vec![
            vec![rect(0.33, 0.3, 0.36, 0.66)],
            vec![bar(0.345, 0.42, 0.25, 0.34, 0.03)],
            vec![bar(0.345, 0.48, 0.44, 0.38, 0.03)],
            vec![vec![
                (0.42, 0.64),
                (0.55, 0.58),
                (0.66, 0.62),
                (0.72, 0.56),
                (0.7, 0.64),
                (0.72, 0.7),
                (0.66, 0.66),
                (0.55, 0.7),
            ]],
            vec![rect(0.3, 0.7, 0.72, 0.73)],
        ],
        _ => return None,
    };
    // Drawn on a generous grid, then drawn in to sit clear of the border.
    let inward = |(x, y): (f32, f32)| (0.5 + (x - 0.5) * 0.92, 0.5 + (y - 0.5) * 0.92);
    Some(
        paths
            .into_iter()
            .map(|path| {
                path.into_iter()
                    .map(|poly| poly.into_iter().map(inward).collect())
                    .collect()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::symbol;

    #[test]
    fn every_pictogram_has_a_drawing_inside_the_diamond() {
        for (code, _) in crate::hazard::PICTOGRAMS {
            let paths = symbol(code).unwrap_or_else(|| panic!("{code} has no drawing"));
            for (x, y) in paths.iter().flatten().flatten() {
                assert!(
                    (x - 0.5).abs() + (y - 0.5).abs() <= 0.42,
                    "{code}: ({x}, {y}) outside the diamond"
                );
            }
        }
        assert!(symbol("GHS10").is_none());
    }
}
