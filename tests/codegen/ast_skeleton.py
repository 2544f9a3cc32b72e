"""Prints the structure of Python files with every identifier and every string replaced by its first-occurrence number
(names and strings numbered separately).

Two programs with the same skeleton do the same thing up to names: used to show that hostile layer names add no
statement to the exported code. Usage: python3 ast_skeleton.py FILE...
"""
import ast
import sys


class Normalise(ast.NodeTransformer):
    def __init__(self):
        self.names, self.strings = {}, {}

    def tag(self, s, table=None):
        table = self.names if table is None else table
        return "v%d" % table.setdefault(s, len(table))

    def visit_Name(self, node):
        node.id = self.tag(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.tag(node.arg)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        node.attr = self.tag(node.attr)
        return node

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            node.value = self.tag(node.value, self.strings)
        return node


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    print(ast.dump(Normalise().visit(tree)))
